package io.thermocline.sampler;

/**
 * kmmscand-style adaptive scan period: a scan that finds many accessed pages (or pages that moved) shortens the
 * period, a quiet one lengthens it, within [min, max]. The per-interval budget (scan_size) stays fixed.
 */
public final class AdaptiveScan {

    /** Above this share of reported pages among the scanned ones, scan twice as often. */
    public static final double BUSY_FRACTION = 0.10;
    /** Below this share, scan half as often. */
    public static final double QUIET_FRACTION = 0.01;

    private final long minMs;
    private final long maxMs;
    private long periodMs;

    public AdaptiveScan(long minMs, long maxMs, long initialMs) {
        if (minMs <= 0 || maxMs < minMs) {
            throw new IllegalArgumentException("need 0 < min <= max");
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.periodMs = Math.max(minMs, Math.min(maxMs, initialMs));
    }

    public long periodMs() {
        return periodMs;
    }

    /** Adjusts the period after one interval that scanned {@code scanned} pages and found {@code active} of interest. */
    public long update(long scanned, long active) {
        double f = scanned == 0 ? 0 : active / (double) scanned;
        if (f > BUSY_FRACTION) {
            periodMs = Math.max(minMs, periodMs / 2);
        } else if (f < QUIET_FRACTION) {
            periodMs = Math.min(maxMs, periodMs * 2);
        }
        return periodMs;
    }
}
