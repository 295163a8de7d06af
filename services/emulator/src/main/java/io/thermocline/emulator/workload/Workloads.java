package io.thermocline.emulator.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Builds workloads from their command-line spec: {@code gups-hotset}, {@code uniform}, {@code zipf}, {@code phase-shift}, {@code lackey:PATH}. */
public final class Workloads {
    public static final List<String> NAMES = List.of("gups-hotset", "uniform", "zipf", "phase-shift", "lackey:PATH");
    public static final String LACKEY_PREFIX = "lackey:";

    private Workloads() {
    }

    /**
     * Creates one workload. {@code index} distinguishes several workloads of one run (separate seeds).
     *
     * @throws IllegalArgumentException for an unknown name or bad parameters
     * @throws IOException              when a trace cannot be read
     */
    public static Workload create(String spec, WorkloadParams p, int index) throws IOException {
        long seed = SplitMix.mix(p.seed(), 100 + index);
        String s = spec.trim();
        if (s.startsWith(LACKEY_PREFIX)) {
            String file = s.substring(LACKEY_PREFIX.length());
            if (file.isEmpty()) throw new IllegalArgumentException("lackey workload needs a path: lackey:PATH");
            return LackeyTrace.read(Path.of(file)).asWorkload(p.epochs());
        }
        switch (s) {
            case "gups-hotset":
                return new GupsHotset(p.footprintPages(), p.hotFraction(), p.hotProbability(), p.accessesPerEpoch(), seed);
            case "uniform":
                return new UniformRandom(p.footprintPages(), p.accessesPerEpoch(), seed);
            case "zipf":
                return new Zipf(p.footprintPages(), p.zipfExponent(), p.accessesPerEpoch(), seed);
            case "phase-shift":
                return new PhaseShift(p.footprintPages(), p.hotFraction(), p.hotProbability(), p.accessesPerEpoch(),
                        p.phaseEpochs(), seed);
            default:
                throw new IllegalArgumentException("unknown workload '" + spec + "'; known: " + String.join(", ", NAMES));
        }
    }
}
