package io.thermocline.report;

import java.util.Objects;

/**
 * One policy's per-epoch metrics. Arrays are indexed by epoch and copied on construction.
 *
 * @param name          policy name (oracle, first-touch, numab2, thermocline, ...)
 * @param fastTierRatio fraction of the epoch's accesses served by the fast tier, in [0,1]; NaN = no data
 * @param promoted      pages promoted in the epoch
 * @param demoted       pages demoted in the epoch
 * @param totals        run totals for the table, or null to derive what can be derived from the series
 */
public record PolicySeries(String name, double[] fastTierRatio, long[] promoted, long[] demoted,
                           PolicyTotals totals) {

    public PolicySeries {
        Objects.requireNonNull(name, "name");
        fastTierRatio = fastTierRatio.clone();
        promoted = promoted.clone();
        demoted = demoted.clone();
        if (promoted.length != fastTierRatio.length || demoted.length != fastTierRatio.length) {
            throw new IllegalArgumentException(name + ": series lengths differ (ratio " + fastTierRatio.length
                    + ", promoted " + promoted.length + ", demoted " + demoted.length + ")");
        }
        for (double r : fastTierRatio) {
            if (!Double.isNaN(r) && (r < 0 || r > 1)) {
                throw new IllegalArgumentException(name + ": fast-tier ratio outside [0,1]: " + r);
            }
        }
        for (int e = 0; e < promoted.length; e++) {
            if (promoted[e] < 0 || demoted[e] < 0) {
                throw new IllegalArgumentException(name + ": negative migration count at epoch " + e);
            }
        }
        if (totals == null) {
            totals = PolicyTotals.derive(fastTierRatio, promoted, demoted);
        }
    }

    public int epochs() {
        return fastTierRatio.length;
    }

    @Override
    public double[] fastTierRatio() {
        return fastTierRatio.clone();
    }

    @Override
    public long[] promoted() {
        return promoted.clone();
    }

    @Override
    public long[] demoted() {
        return demoted.clone();
    }
}
