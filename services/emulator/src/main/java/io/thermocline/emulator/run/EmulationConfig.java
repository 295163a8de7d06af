package io.thermocline.emulator.run;

import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.policy.PinSet;
import io.thermocline.emulator.workload.WorkloadParams;
import java.util.List;

/**
 * Typed, validated configuration of one emulation run (one host, one or more workloads as separate processes,
 * several policies on the same access stream).
 *
 * @param host               host id
 * @param workloads          workload specs, one process each ({@code gups-hotset}, {@code lackey:PATH}, ...)
 * @param footprintPages     pages per synthetic workload
 * @param fastRatio          fast-tier capacity as a fraction of the total footprint, in (0, 1]
 * @param epochs             epochs to run
 * @param accessesPerEpoch   accesses per epoch per synthetic workload
 * @param epochMs            epoch length on the policy clock (ms): kernel timers, quotas and rate limits use it
 * @param seed               seed of everything random
 * @param hotFraction        gups-hotset / phase-shift hot-set fraction
 * @param hotProbability     gups-hotset / phase-shift share of accesses to the hot set
 * @param zipfExponent       zipf exponent
 * @param phaseEpochs        phase-shift period (epochs)
 * @param chmuTopN           CHMU hot-list length per CXL node
 * @param kernelMovesPerSec  background kernel (compaction-like) moves per second of policy clock, 0 = off
 * @param thp                allocate 2 MiB folios on first touch where possible
 * @param pins               pins enforced on every policy
 * @param cost               cost model
 * @param threads            policy runs executed in parallel (results do not depend on it)
 * @param perEpoch           keep per-epoch metrics in the report
 */
public record EmulationConfig(String host, List<String> workloads, int footprintPages, double fastRatio, int epochs,
                              int accessesPerEpoch, long epochMs, long seed, double hotFraction,
                              double hotProbability, double zipfExponent, int phaseEpochs, int chmuTopN,
                              double kernelMovesPerSec, boolean thp, PinSet pins, CostModel cost, int threads,
                              boolean perEpoch) {

    public static final String DEFAULT_HOST = "emu-0";
    /** 2^19 accesses per epoch: 200 epochs of a 1 GiB GUPS with five policies take seconds, not minutes. */
    public static final int DEFAULT_ACCESSES_PER_EPOCH = 1 << 19;
    public static final long DEFAULT_EPOCH_MS = 1000;
    public static final int PAGE_SIZE = 4096;

    public EmulationConfig {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is required");
        workloads = List.copyOf(workloads);
        if (workloads.isEmpty()) throw new IllegalArgumentException("at least one workload is required");
        if (!(fastRatio > 0 && fastRatio <= 1)) {
            throw new IllegalArgumentException("fast ratio must be in (0, 1], got " + fastRatio);
        }
        if (epochs <= 0) throw new IllegalArgumentException("epochs must be > 0, got " + epochs);
        if (footprintPages <= 0) throw new IllegalArgumentException("footprint must be at least one page");
        if (accessesPerEpoch <= 0) throw new IllegalArgumentException("accesses per epoch must be > 0");
        if (epochMs <= 0) throw new IllegalArgumentException("epoch length must be > 0 ms");
        if (phaseEpochs <= 0) throw new IllegalArgumentException("phase period must be > 0 epochs");
        if (chmuTopN <= 0) throw new IllegalArgumentException("CHMU top-N must be > 0");
        if (!(kernelMovesPerSec >= 0)) throw new IllegalArgumentException("kernel move rate must be >= 0");
        if (threads <= 0) throw new IllegalArgumentException("threads must be > 0");
        if (pins == null) pins = PinSet.NONE;
        if (cost == null) cost = CostModel.defaults();
    }

    /** Defaults for everything but the essentials. */
    public static EmulationConfig of(List<String> workloads, int footprintPages, double fastRatio, int epochs,
                                     long seed) {
        return new EmulationConfig(DEFAULT_HOST, workloads, footprintPages, fastRatio, epochs,
                DEFAULT_ACCESSES_PER_EPOCH, DEFAULT_EPOCH_MS, seed, WorkloadParams.DEFAULT_HOT_FRACTION,
                WorkloadParams.DEFAULT_HOT_PROBABILITY, WorkloadParams.DEFAULT_ZIPF_EXPONENT,
                Math.max(1, epochs / 4), 1024, 0, false, PinSet.NONE, CostModel.defaults(), 1, false);
    }

    public EmulationConfig withAccessesPerEpoch(int n) {
        return new EmulationConfig(host, workloads, footprintPages, fastRatio, epochs, n, epochMs, seed, hotFraction,
                hotProbability, zipfExponent, phaseEpochs, chmuTopN, kernelMovesPerSec, thp, pins, cost, threads,
                perEpoch);
    }

    public EmulationConfig withThreads(int t) {
        return new EmulationConfig(host, workloads, footprintPages, fastRatio, epochs, accessesPerEpoch, epochMs, seed,
                hotFraction, hotProbability, zipfExponent, phaseEpochs, chmuTopN, kernelMovesPerSec, thp, pins, cost, t,
                perEpoch);
    }

    public EmulationConfig withPins(PinSet p) {
        return new EmulationConfig(host, workloads, footprintPages, fastRatio, epochs, accessesPerEpoch, epochMs, seed,
                hotFraction, hotProbability, zipfExponent, phaseEpochs, chmuTopN, kernelMovesPerSec, thp, p, cost,
                threads, perEpoch);
    }

    public EmulationConfig withKernelMovesPerSec(double r) {
        return new EmulationConfig(host, workloads, footprintPages, fastRatio, epochs, accessesPerEpoch, epochMs, seed,
                hotFraction, hotProbability, zipfExponent, phaseEpochs, chmuTopN, r, thp, pins, cost, threads,
                perEpoch);
    }

    public EmulationConfig withPerEpoch(boolean b) {
        return new EmulationConfig(host, workloads, footprintPages, fastRatio, epochs, accessesPerEpoch, epochMs, seed,
                hotFraction, hotProbability, zipfExponent, phaseEpochs, chmuTopN, kernelMovesPerSec, thp, pins, cost,
                threads, b);
    }

    public EmulationConfig withThp(boolean b) {
        return new EmulationConfig(host, workloads, footprintPages, fastRatio, epochs, accessesPerEpoch, epochMs, seed,
                hotFraction, hotProbability, zipfExponent, phaseEpochs, chmuTopN, kernelMovesPerSec, b, pins, cost,
                threads, perEpoch);
    }

    public WorkloadParams workloadParams() {
        return new WorkloadParams(footprintPages, accessesPerEpoch, epochs, hotFraction, hotProbability, zipfExponent,
                phaseEpochs, seed);
    }

    public long epochNs() {
        return epochMs * 1_000_000L;
    }
}
