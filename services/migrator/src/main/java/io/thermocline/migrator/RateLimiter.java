package io.thermocline.migrator;

/**
 * Token bucket in bytes: refills at {@code bytesPerSecond} up to {@code burstBytes}. A move that does not fit is
 * refused (RATE_LIMITED) rather than delayed, so the hotness app sees the back-pressure in tc.results.
 */
public final class RateLimiter {

    private final double bytesPerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    /** @param bytesPerSecond 0 or less disables limiting */
    public RateLimiter(long bytesPerSecond, long burstBytes, long nowNanos) {
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.burst = Math.max(burstBytes, 1);
        this.tokens = this.burst;
        this.lastNanos = nowNanos;
    }

    public boolean unlimited() {
        return bytesPerNano <= 0;
    }

    /** Takes {@code bytes} tokens if available. */
    public synchronized boolean tryAcquire(long bytes, long nowNanos) {
        if (unlimited()) {
            return true;
        }
        if (nowNanos > lastNanos) {
            tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * bytesPerNano);
            lastNanos = nowNanos;
        }
        if (tokens >= bytes) {
            tokens -= bytes;
            return true;
        }
        return false;
    }

    /** Gives tokens back for a move that was admitted but not executed. */
    public synchronized void refund(long bytes) {
        tokens = Math.min(burst, tokens + bytes);
    }
}
