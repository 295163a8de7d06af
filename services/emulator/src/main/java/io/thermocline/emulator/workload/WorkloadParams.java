package io.thermocline.emulator.workload;

/**
 * Parameters of the synthetic workloads (traces ignore the ones that do not apply).
 *
 * @param footprintPages   pages per synthetic workload
 * @param accessesPerEpoch accesses generated per epoch by synthetic workloads
 * @param epochs           epochs of the run (a trace is split into this many epochs of equal access count)
 * @param hotFraction      gups-hotset / phase-shift: hot set size as a fraction of the footprint
 * @param hotProbability   gups-hotset / phase-shift: fraction of accesses that go to the hot set
 * @param zipfExponent     zipf: exponent s
 * @param phaseEpochs      phase-shift: the hot set moves every this many epochs
 * @param seed             base seed; each workload derives its own streams from it
 */
public record WorkloadParams(int footprintPages, int accessesPerEpoch, int epochs, double hotFraction,
                             double hotProbability, double zipfExponent, int phaseEpochs, long seed) {

    /** HeMem's gups-hotset sends ~90% of updates to the hot set; our default hot set is 10% of the table. */
    public static final double DEFAULT_HOT_FRACTION = 0.10;
    public static final double DEFAULT_HOT_PROBABILITY = 0.90;
    /** YCSB's default zipfian constant. */
    public static final double DEFAULT_ZIPF_EXPONENT = 0.99;
}
