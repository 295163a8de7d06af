package io.thermocline.report;

import java.util.List;
import java.util.Objects;

/**
 * Pages x epochs: the colour of a cell is the page's hotness in that epoch, its colour family the tier the
 * page lived in (index into {@code tierNames}, fastest first; -1 = not mapped).
 *
 * @param title      plot title (e.g. "thermocline, top 64 pages")
 * @param pageLabels one label per row (e.g. "pid 1 va 0x7f..." or a PFN)
 * @param hotness    [row][epoch] hotness (accesses or samples), >= 0
 * @param tier       [row][epoch] tier index into tierNames, or -1
 * @param tierNames  tier names, fastest first (DRAM, CXL, ...)
 */
public record Heatmap(String title, List<String> pageLabels, double[][] hotness, int[][] tier,
                      List<String> tierNames) {

    public static final int NOT_MAPPED = -1;

    public Heatmap {
        Objects.requireNonNull(title, "title");
        pageLabels = List.copyOf(pageLabels);
        tierNames = List.copyOf(tierNames);
        if (tierNames.isEmpty()) {
            throw new IllegalArgumentException(title + ": no tier names");
        }
        if (hotness.length != pageLabels.size() || tier.length != pageLabels.size()) {
            throw new IllegalArgumentException(title + ": " + pageLabels.size() + " labels but "
                    + hotness.length + " hotness rows and " + tier.length + " tier rows");
        }
        if (hotness.length == 0) {
            throw new IllegalArgumentException(title + ": no rows");
        }
        int epochs = hotness[0].length;
        double[][] h = new double[hotness.length][];
        int[][] t = new int[tier.length][];
        for (int r = 0; r < hotness.length; r++) {
            if (hotness[r].length != epochs || tier[r].length != epochs) {
                throw new IllegalArgumentException(title + ": row " + r + " does not have " + epochs + " epochs");
            }
            h[r] = hotness[r].clone();
            t[r] = tier[r].clone();
            for (int e = 0; e < epochs; e++) {
                if (!(h[r][e] >= 0) || Double.isInfinite(h[r][e])) {
                    throw new IllegalArgumentException(title + ": bad hotness " + h[r][e] + " at row " + r);
                }
                if (t[r][e] < NOT_MAPPED || t[r][e] >= tierNames.size()) {
                    throw new IllegalArgumentException(title + ": bad tier index " + t[r][e] + " at row " + r);
                }
            }
        }
        hotness = h;
        tier = t;
    }

    public int rows() {
        return pageLabels.size();
    }

    public int epochs() {
        return hotness[0].length;
    }

    @Override
    public double[][] hotness() {
        double[][] copy = new double[hotness.length][];
        for (int r = 0; r < hotness.length; r++) {
            copy[r] = hotness[r].clone();
        }
        return copy;
    }

    @Override
    public int[][] tier() {
        int[][] copy = new int[tier.length][];
        for (int r = 0; r < tier.length; r++) {
            copy[r] = tier[r].clone();
        }
        return copy;
    }
}
