package io.thermocline.hotness.ingest;

import io.thermocline.avro.telemetry.PageAccess;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The entries of a decoded PageAccessBatch as primitive arrays: stage 1 reads {@link #pfn} and {@link #count}
 * directly; {@link #get} builds a PageAccess only for code that wants one (e.g. the DLQ). Two forms: PFNs as
 * longs, or - when every PFN lies in the batch's block, as samplers send them - offsets in the block (int) from
 * a base PFN, which window counts can take over as they are ({@link #offsetsInBlock}). Read-only: nothing
 * writes the arrays once built.
 */
public final class PackedAccesses extends AbstractList<PageAccess> implements RandomAccess {

    private final long[] pfns;
    private final long base;
    private final int[] offsets;
    private final int[] counts;
    private final int size;

    public PackedAccesses(long[] pfns, int[] counts, int size) {
        this(pfns, 0, null, counts, size);
    }

    private PackedAccesses(long[] pfns, long base, int[] offsets, int[] counts, int size) {
        int length = pfns != null ? pfns.length : offsets.length;
        if (size < 0 || size > length || size > counts.length) {
            throw new IllegalArgumentException("size " + size + " outside the arrays");
        }
        this.pfns = pfns;
        this.base = base;
        this.offsets = offsets;
        this.counts = counts;
        this.size = size;
    }

    /** Entries whose PFNs are {@code base + offsets[i]}, each offset inside the block that starts at base. */
    public static PackedAccesses inBlock(long base, int[] offsets, int[] counts, int size) {
        return new PackedAccesses(null, base, offsets, counts, size);
    }

    public long pfn(int i) {
        checkIndex(i);
        return pfns != null ? pfns[i] : base + offsets[i];
    }

    public int count(int i) {
        return counts[checkIndex(i)];
    }

    /** The offsets in the block (first {@link #size()} valid) when built {@link #inBlock}, else null. Do not write. */
    public int[] offsetsInBlock() {
        return offsets;
    }

    /** The counts array (first {@link #size()} valid). Do not write. */
    public int[] countsArray() {
        return counts;
    }

    @Override
    public PageAccess get(int i) {
        return new PageAccess(pfn(i), count(i));
    }

    @Override
    public int size() {
        return size;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " of " + size);
        }
        return i;
    }
}
