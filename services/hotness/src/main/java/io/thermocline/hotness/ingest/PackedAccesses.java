package io.thermocline.hotness.ingest;

import io.thermocline.avro.telemetry.PageAccess;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The entries of a decoded PageAccessBatch as two primitive arrays: stage 1 reads {@link #pfn} and
 * {@link #count} directly; {@link #get} builds a PageAccess only for code that wants one (e.g. the DLQ).
 * Read-only.
 */
public final class PackedAccesses extends AbstractList<PageAccess> implements RandomAccess {

    private final long[] pfns;
    private final int[] counts;
    private final int size;

    public PackedAccesses(long[] pfns, int[] counts, int size) {
        if (size < 0 || size > pfns.length || size > counts.length) {
            throw new IllegalArgumentException("size " + size + " outside the arrays");
        }
        this.pfns = pfns;
        this.counts = counts;
        this.size = size;
    }

    public long pfn(int i) {
        return pfns[checkIndex(i)];
    }

    public int count(int i) {
        return counts[checkIndex(i)];
    }

    @Override
    public PageAccess get(int i) {
        checkIndex(i);
        return new PageAccess(pfns[i], counts[i]);
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
