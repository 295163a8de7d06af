package io.thermocline.emulator.sample;

/**
 * Sampling mechanism; the names are symbols of the Avro {@code AccessSource} so the sampler service converts
 * with {@code AccessSource.valueOf(source.name())}.
 */
public enum SampleSource {
    /** Exact per-frame access counts from the emulator (ground truth; for debugging and the oracle's checks). */
    EMULATOR,
    /** Accessed-bit scan once per epoch (idle page tracking): count 1 per frame accessed in the window. */
    PAGE_IDLE,
    /** PEBS-like address sampling: one access in N is recorded; counts are samples, sampleRate = N. */
    PEBS,
    /** CXL Hotness Monitoring Unit-like: top-N hottest frames per CXL node with their counts. */
    CHMU
}
