package io.thermocline.report;

/**
 * A policy's totals over the run (the emulate report's policy object). Unknown values are NaN / -1.
 */
public record PolicyTotals(double fastAccessRatio, double emulatedSeconds, long promotedPages,
                           long demotedPages, long pingPongs, long pinViolations) {

    /** Totals from the series alone: mean ratio (of epochs with data), summed moves; the rest unknown. */
    static PolicyTotals derive(double[] ratio, long[] promoted, long[] demoted) {
        double sum = 0;
        int n = 0;
        for (double r : ratio) {
            if (!Double.isNaN(r)) {
                sum += r;
                n++;
            }
        }
        long p = 0;
        long d = 0;
        for (int e = 0; e < promoted.length; e++) {
            p += promoted[e];
            d += demoted[e];
        }
        return new PolicyTotals(n == 0 ? Double.NaN : sum / n, Double.NaN, p, d, -1, -1);
    }
}
