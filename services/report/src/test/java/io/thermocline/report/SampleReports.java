package io.thermocline.report;

import java.util.List;
import java.util.Random;

/** Deterministic, realistic-looking report data for tests: a hot set that shifts halfway through the run. */
final class SampleReports {

    static final int EPOCHS = 120;
    static final int PAGES = 2048;
    static final int HOT_PAGES = 200;
    static final int FAST_PAGES = 512;
    static final int HEATMAP_ROWS = 48;

    private SampleReports() {
    }

    static ReportData phaseShift(boolean withPipeline) {
        Random rnd = new Random(42);
        int shiftAt = EPOCHS / 2;
        ReportData.Builder b = ReportData.builder("Thermocline demo <test> & report", EPOCHS)
                .fact("workload", "phase-shift")
                .fact("seed", 42)
                .fact("footprint pages", PAGES)
                .fact("fast-tier pages", FAST_PAGES);
        String[] names = {"oracle", "thermocline", "numab2", "kmmscand", "damon", "first-touch"};
        double[] settle = {0, 6, 14, 10, 20, Double.POSITIVE_INFINITY};
        for (int p = 0; p < names.length; p++) {
            double[] ratio = new double[EPOCHS];
            long[] promoted = new long[EPOCHS];
            long[] demoted = new long[EPOCHS];
            for (int e = 0; e < EPOCHS; e++) {
                int since = e < shiftAt ? e : e - shiftAt;
                double target = 0.92 - 0.04 * p;
                double start = 0.30;
                double r = Double.isInfinite(settle[p]) ? start
                        : settle[p] == 0 ? target : start + (target - start) * (1 - Math.exp(-since / settle[p]));
                ratio[e] = Math.max(0, Math.min(1, r + rnd.nextGaussian() * 0.01));
                if (!Double.isInfinite(settle[p]) && settle[p] > 0) {
                    promoted[e] = Math.round(HOT_PAGES / settle[p] * Math.exp(-since / settle[p]));
                    demoted[e] = Math.round(promoted[e] * 0.8);
                } else if (settle[p] == 0 && since == 0) {
                    promoted[e] = HOT_PAGES;
                    demoted[e] = HOT_PAGES;
                }
            }
            PolicyTotals totals = p == 5 ? null
                    : new PolicyTotals(mean(ratio), 1.5 + p * 0.1, sum(promoted), sum(demoted), p, 0);
            b.policy(new PolicySeries(names[p], ratio, promoted, demoted, totals));
        }
        HeatmapBuilder hb = new HeatmapBuilder("thermocline: page heatmap", EPOCHS, List.of("DRAM", "CXL"));
        for (int e = 0; e < EPOCHS; e++) {
            int hotBase = e < shiftAt ? 0 : PAGES / 2;
            for (int i = 0; i < 64; i++) {
                long page = hotBase + rnd.nextInt(HOT_PAGES / 4);
                int since = e < shiftAt ? e : e - shiftAt;
                int tier = since > 6 + (page % 7) ? 0 : 1;
                hb.add(page, e, 5 + rnd.nextInt(50), tier);
            }
            // every tracked page keeps a tier, observed this epoch or not
            for (long page = 0; page < HOT_PAGES / 4; page++) {
                hb.tier(page, e, e < shiftAt ? 0 : 1);
                hb.tier(PAGES / 2 + page, e, e < shiftAt ? 1 : (e - shiftAt > 6 + (page % 7) ? 0 : 1));
            }
            long cold = rnd.nextInt(PAGES);
            hb.add(cold, e, 1, cold < FAST_PAGES ? 0 : 1);
        }
        b.heatmap(hb.build(HEATMAP_ROWS));
        if (withPipeline) {
            double[] lat = new double[5000];
            for (int i = 0; i < lat.length; i++) {
                lat[i] = Math.exp(Math.log(40) + rnd.nextGaussian() * 0.6);
            }
            b.latency(LatencyHistogram.fromSamples("sample-to-moved latency", "ms", lat));
            b.pipeline(new PipelineSummary(1_234_567, 8_900, 8_100, 42, 0, 41.0, 160.5));
        }
        return b.build();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += x;
        }
        return s;
    }
}
