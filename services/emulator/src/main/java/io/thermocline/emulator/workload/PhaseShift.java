package io.thermocline.emulator.workload;

/** GUPS hot set that moves to a new random place every {@code phaseEpochs} epochs (DAMON's Taobench-like shifts). */
public final class PhaseShift extends GupsHotset {
    public PhaseShift(int pages, double hotFraction, double hotProbability, int accessesPerEpoch, int phaseEpochs,
                      long seed) {
        super("phase-shift", pages, hotFraction, hotProbability, accessesPerEpoch, requirePositive(phaseEpochs), seed);
    }

    private static int requirePositive(int p) {
        if (p <= 0) throw new IllegalArgumentException("phase period must be > 0 epochs");
        return p;
    }
}
