package io.thermocline.sampler;

import io.thermocline.avro.telemetry.AccessSource;

/**
 * Accesses observed in one sampling window: parallel arrays sorted by pfn.
 *
 * @param epoch      sampler epoch (lockstep runs) or -1
 * @param sampleRate one in sampleRate accesses observed (1 for scans)
 */
public record AccessWindow(AccessSource source, long startMs, long endMs, long epoch, int sampleRate, long[] pfns,
                           int[] counts) {
    public AccessWindow {
        if (pfns.length != counts.length) {
            throw new IllegalArgumentException("pfns and counts differ in length");
        }
    }

    public int size() {
        return pfns.length;
    }
}
