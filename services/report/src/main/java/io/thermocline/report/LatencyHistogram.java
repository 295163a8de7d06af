package io.thermocline.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * A latency histogram: {@code counts[i]} samples fell in {@code [edges[i], edges[i+1])} (the last bucket
 * includes its upper edge).
 *
 * @param title   plot title
 * @param unit    unit of the edges and percentiles (e.g. "ms")
 * @param edges   bucket edges, strictly increasing, length = counts.length + 1
 * @param counts  samples per bucket
 * @param p50     median sample
 * @param p99     99th percentile sample
 * @param samples number of samples
 */
public record LatencyHistogram(String title, String unit, double[] edges, long[] counts, double p50, double p99,
                               long samples) {

    /** Default bucket count for {@link #fromSamples(String, String, double[])}. */
    public static final int DEFAULT_BUCKETS = 40;

    public LatencyHistogram {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(unit, "unit");
        edges = edges.clone();
        counts = counts.clone();
        if (counts.length < 1 || edges.length != counts.length + 1) {
            throw new IllegalArgumentException("need counts.length >= 1 and edges.length == counts.length + 1");
        }
        for (int i = 1; i < edges.length; i++) {
            if (!(edges[i] > edges[i - 1])) {
                throw new IllegalArgumentException("edges must increase strictly: " + Arrays.toString(edges));
            }
        }
    }

    @Override
    public double[] edges() {
        return edges.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    public static LatencyHistogram fromSamples(String title, String unit, double[] samples) {
        return fromSamples(title, unit, samples, DEFAULT_BUCKETS);
    }

    /**
     * Buckets samples: logarithmic edges from the smallest positive sample to the largest when they span more
     * than a decade, linear edges otherwise. Percentiles are nearest-rank over the sorted samples.
     */
    public static LatencyHistogram fromSamples(String title, String unit, double[] samples, int buckets) {
        if (samples.length == 0) {
            throw new IllegalArgumentException(title + ": no latency samples");
        }
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be >= 1");
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        if (!(sorted[0] >= 0) || Double.isInfinite(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException(title + ": samples must be finite and >= 0");
        }
        double min = sorted[0];
        double max = sorted[sorted.length - 1];
        double[] edges = new double[buckets + 1];
        double minPositive = Arrays.stream(sorted).filter(v -> v > 0).findFirst().orElse(0);
        if (minPositive > 0 && max / minPositive > 10) {
            double lo = Math.log10(minPositive);
            double hi = Math.log10(max);
            for (int i = 0; i <= buckets; i++) {
                edges[i] = Math.pow(10, lo + (hi - lo) * i / buckets);
            }
            edges[0] = Math.min(edges[0], min);
        } else {
            double lo = min;
            double hi = max > min ? max : min + 1;
            for (int i = 0; i <= buckets; i++) {
                edges[i] = lo + (hi - lo) * i / buckets;
            }
        }
        edges[buckets] = Math.max(edges[buckets], max);
        // guard against equal edges from rounding
        for (int i = 1; i <= buckets; i++) {
            if (!(edges[i] > edges[i - 1])) {
                edges[i] = Math.nextUp(edges[i - 1]);
            }
        }
        long[] counts = new long[buckets];
        for (double v : sorted) {
            int i = Arrays.binarySearch(edges, v);
            int bucket = i >= 0 ? i : -i - 2;
            counts[Math.max(0, Math.min(buckets - 1, bucket))]++;
        }
        return new LatencyHistogram(title, unit, edges, counts, percentile(sorted, 0.50), percentile(sorted, 0.99),
                sorted.length);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
