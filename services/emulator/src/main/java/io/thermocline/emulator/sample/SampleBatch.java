package io.thermocline.emulator.sample;

import java.util.Arrays;

/**
 * Access samples for one 2 MiB PFN block of one node over one window: the shape of the Avro
 * {@code PageAccessBatch} (block = pfn >> blockShift, blockShift = 9). Arrays are parallel and sorted by pfn.
 *
 * @param host          host id
 * @param source        sampling mechanism
 * @param node          node owning the block's frames
 * @param block         pfn >> blockShift
 * @param blockShift    log2 pages per block (9)
 * @param windowStartNs window start on the emulated policy clock, ns since the run started
 * @param windowEndNs   window end (exclusive)
 * @param epoch         epoch number
 * @param sampleRate    one in sampleRate accesses observed (1 for scans and exact counts)
 * @param pfns          frames with at least one sample
 * @param counts        samples per frame
 */
public record SampleBatch(String host, SampleSource source, int node, long block, int blockShift, long windowStartNs,
                          long windowEndNs, long epoch, int sampleRate, long[] pfns, int[] counts) {
    public static final int BLOCK_SHIFT = 9;

    public SampleBatch {
        if (pfns.length != counts.length) throw new IllegalArgumentException("pfns and counts differ in length");
    }

    public int size() {
        return pfns.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleBatch b && host.equals(b.host) && source == b.source && node == b.node
                && block == b.block && blockShift == b.blockShift && windowStartNs == b.windowStartNs
                && windowEndNs == b.windowEndNs && epoch == b.epoch && sampleRate == b.sampleRate
                && Arrays.equals(pfns, b.pfns) && Arrays.equals(counts, b.counts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(block) * 31 + Arrays.hashCode(pfns) * 17 + source.hashCode();
    }

    @Override
    public String toString() {
        return "SampleBatch[" + host + " " + source + " node " + node + " block " + block + " epoch " + epoch + ", "
                + pfns.length + " pages]";
    }
}
