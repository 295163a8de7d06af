package io.thermocline.report;

import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * Feeds a {@link HeatmapBuilder} from an emulator's per-epoch state with bounded memory: each epoch, the
 * {@code candidatesPerEpoch} most-accessed pages become tracked rows, and every tracked page's tier is recorded
 * for that epoch (so a row shows where the page lived even in epochs it was cold).
 *
 * <p>Pages are dense indexes (the emulator's slots: one per mapped virtual page). Call {@link #epoch} once per
 * epoch, in order, from whatever loop owns the access counts.
 */
public final class PageHeatmapCollector {

    /** Default per-epoch candidates: several times the usual heatmap height. */
    public static final int DEFAULT_CANDIDATES = 256;

    private final HeatmapBuilder builder;
    private final int candidatesPerEpoch;
    private final java.util.BitSet tracked = new java.util.BitSet();
    private final IntFunction<String> label;
    private int nextEpoch;

    /**
     * @param tierNames tier names, fastest first; {@code tierOf} returns indexes into it (or -1 = not mapped)
     * @param label     row label of a page (e.g. "pid 1000 va 0x7f..."), or null for the page index in hex
     */
    public PageHeatmapCollector(String title, int epochs, List<String> tierNames, int candidatesPerEpoch,
                                IntFunction<String> label) {
        if (candidatesPerEpoch < 1) {
            throw new IllegalArgumentException("candidatesPerEpoch must be >= 1");
        }
        this.builder = new HeatmapBuilder(title, epochs, tierNames);
        this.candidatesPerEpoch = candidatesPerEpoch;
        this.label = label;
    }

    /**
     * Records one epoch.
     *
     * @param accesses accesses per page in this epoch, indexed by page
     * @param tierOf   tier index of a page at the end of the epoch
     */
    public void epoch(int epoch, int[] accesses, IntUnaryOperator tierOf) {
        if (epoch != nextEpoch) {
            throw new IllegalArgumentException("epochs must come in order: expected " + nextEpoch + ", got " + epoch);
        }
        nextEpoch++;
        // min-heap of the hottest pages seen so far: (count, page)
        PriorityQueue<long[]> top = new PriorityQueue<>(candidatesPerEpoch + 1,
                (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
        for (int page = 0; page < accesses.length; page++) {
            int c = accesses[page];
            if (c <= 0) {
                continue;
            }
            if (top.size() < candidatesPerEpoch) {
                top.add(new long[] {c, page});
            } else if (c > top.peek()[0]) {
                top.poll();
                top.add(new long[] {c, page});
            }
        }
        for (long[] t : top) {
            int page = (int) t[1];
            if (!tracked.get(page)) {
                tracked.set(page);
                if (label != null) {
                    builder.add(page, epoch, 0, Heatmap.NOT_MAPPED).label(page, label.apply(page));
                }
            }
        }
        for (int page = tracked.nextSetBit(0); page >= 0; page = tracked.nextSetBit(page + 1)) {
            int c = page < accesses.length ? accesses[page] : 0;
            builder.add(page, epoch, c, tierOf.applyAsInt(page));
        }
    }

    public int trackedPages() {
        return tracked.cardinality();
    }

    /** The {@code topN} pages with the most accesses over the run. */
    public Heatmap build(int topN) {
        return builder.build(topN);
    }
}
