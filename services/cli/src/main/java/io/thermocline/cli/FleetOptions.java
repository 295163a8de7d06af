package io.thermocline.cli;

import io.thermocline.cli.demo.Fleet;
import io.thermocline.emulator.workload.Workloads;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The emulated fleet's shape: shared by {@code demo} and {@code agent} (a picocli mixin). */
public final class FleetOptions {

    @Option(names = "--hosts", defaultValue = "4", description = "Emulated hosts (default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--workloads", split = ",", description = "Workloads given to hosts in turn "
            + "(default gups-hotset,zipf,phase-shift,uniform; also lackey:PATH).")
    List<String> workloads;

    @Option(names = "--footprint", defaultValue = "64MiB", converter = Sizes.PagesConverter.class,
            description = "Memory footprint per host (default ${DEFAULT-VALUE}).")
    long footprintPages;

    @Option(names = "--fast-ratio", defaultValue = "0.25",
            description = "Fast tier size / footprint (default ${DEFAULT-VALUE}).")
    double fastRatio;

    @Option(names = "--epoch-ms", defaultValue = "1000", description = "Epoch length: event time per epoch in "
            + "lockstep mode, wall time in real time (default ${DEFAULT-VALUE}).")
    long epochMs;

    @Option(names = "--accesses-per-epoch", defaultValue = "131072",
            description = "Emulated accesses per host and epoch (default ${DEFAULT-VALUE}).")
    int accessesPerEpoch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    /** Rejects values no fleet can run with, naming the flag. */
    void validate(CommandLine cl, int epochs) {
        if (hosts < 1 || hosts > 64) {
            throw new CommandLine.ParameterException(cl, "--hosts must be in 1..64, got " + hosts);
        }
        if (!(fastRatio > 0 && fastRatio <= 1)) {
            throw new CommandLine.ParameterException(cl, "--fast-ratio must be in (0, 1], got " + fastRatio);
        }
        if (epochs < 1 || epochMs < 1 || accessesPerEpoch < 1 || footprintPages < 1) {
            throw new CommandLine.ParameterException(cl,
                    "--epochs, --epoch-ms, --accesses-per-epoch and --footprint must be >= 1");
        }
        if (workloads != null) {
            for (String w : workloads) {
                if (!Workloads.NAMES.contains(w) && !w.startsWith(Workloads.LACKEY_PREFIX)) {
                    throw new CommandLine.ParameterException(cl, "unknown workload '" + w + "'; known: "
                            + String.join(", ", Workloads.NAMES));
                }
            }
        }
    }

    List<String> workloads() {
        return workloads == null || workloads.isEmpty() ? Fleet.MIXED_WORKLOADS : workloads;
    }

    int pages() {
        return (int) Math.min(Integer.MAX_VALUE, footprintPages);
    }

    Fleet.Settings settings(int epochs, boolean lockstep, String baselines, Path dir) {
        return new Fleet.Settings(hosts, workloads(), pages(), fastRatio, epochs, seed, epochMs, accessesPerEpoch,
                lockstep, baselines, dir);
    }
}
