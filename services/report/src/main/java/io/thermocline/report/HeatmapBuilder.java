package io.thermocline.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects (page, epoch, hotness, tier) observations and keeps the top-N pages by total hotness.
 * Memory is (pages observed) x epochs x 8 bytes: feed it candidate pages (e.g. each epoch's hottest few
 * hundred), not a whole footprint. A page not observed in an epoch has hotness 0 and tier "not mapped"
 * there unless {@link #tier} said otherwise.
 */
public final class HeatmapBuilder {

    private final String title;
    private final int epochs;
    private final List<String> tierNames;
    private final Map<Long, Row> rows = new HashMap<>();

    private static final class Row {
        final float[] hotness;
        final byte[] tier;
        String label;
        double total;

        Row(int epochs) {
            hotness = new float[epochs];
            tier = new byte[epochs];
            Arrays.fill(tier, (byte) Heatmap.NOT_MAPPED);
        }
    }

    public HeatmapBuilder(String title, int epochs, List<String> tierNames) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1");
        }
        if (tierNames.isEmpty() || tierNames.size() > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("1.." + Byte.MAX_VALUE + " tier names needed");
        }
        this.title = title;
        this.epochs = epochs;
        this.tierNames = List.copyOf(tierNames);
    }

    /** Adds hotness of a page in an epoch (summed if called twice) and records its tier. */
    public HeatmapBuilder add(long page, int epoch, double hotness, int tierIndex) {
        if (hotness < 0 || Double.isNaN(hotness)) {
            throw new IllegalArgumentException("hotness must be >= 0: " + hotness);
        }
        Row row = row(page, epoch);
        row.hotness[epoch] += (float) hotness;
        row.total += hotness;
        return tier(page, epoch, tierIndex);
    }

    /** Records the tier of a page in an epoch without adding hotness. */
    public HeatmapBuilder tier(long page, int epoch, int tierIndex) {
        if (tierIndex < Heatmap.NOT_MAPPED || tierIndex >= tierNames.size()) {
            throw new IllegalArgumentException("tier index out of range: " + tierIndex);
        }
        row(page, epoch).tier[epoch] = (byte) tierIndex;
        return this;
    }

    /** Sets the label of a page's row; the default is the page number in hex. */
    public HeatmapBuilder label(long page, String label) {
        Row row = rows.get(page);
        if (row != null) {
            row.label = label;
        }
        return this;
    }

    public int pagesObserved() {
        return rows.size();
    }

    private Row row(long page, int epoch) {
        if (epoch < 0 || epoch >= epochs) {
            throw new IllegalArgumentException("epoch " + epoch + " outside [0," + epochs + ")");
        }
        return rows.computeIfAbsent(page, p -> new Row(epochs));
    }

    /** The {@code topN} hottest pages, hottest first (ties by page number). */
    public Heatmap build(int topN) {
        if (topN < 1) {
            throw new IllegalArgumentException("topN must be >= 1");
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(title + ": no page observed");
        }
        List<Map.Entry<Long, Row>> sorted = new ArrayList<>(rows.entrySet());
        sorted.sort(Comparator.<Map.Entry<Long, Row>>comparingDouble(e -> -e.getValue().total)
                .thenComparing(Map.Entry::getKey));
        int n = Math.min(topN, sorted.size());
        List<String> labels = new ArrayList<>(n);
        double[][] hot = new double[n][epochs];
        int[][] tiers = new int[n][epochs];
        for (int r = 0; r < n; r++) {
            Map.Entry<Long, Row> e = sorted.get(r);
            Row row = e.getValue();
            labels.add(row.label != null ? row.label : "0x" + Long.toHexString(e.getKey()));
            for (int t = 0; t < epochs; t++) {
                hot[r][t] = row.hotness[t];
                tiers[r][t] = row.tier[t];
            }
        }
        return new Heatmap(title, labels, hot, tiers, tierNames);
    }
}
