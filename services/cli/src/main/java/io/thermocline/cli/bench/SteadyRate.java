package io.thermocline.cli.bench;

import java.util.function.LongSupplier;

/**
 * Progress of a pass: when a growing count was first seen at or past 10%, 90% and 100% of the pass's total, and
 * the rate between the first two (a mid-pass rate, without the client start-up at one end and the last batch
 * at the other). The bench times pipeline passes to the 100% milestone and reports mid-pass rates as
 * diagnostics.
 */
public final class SteadyRate {

    public static final double FROM = 0.1;
    public static final double TO = 0.9;

    private final long total;
    private final long low;
    private final long high;
    private long nanosLow = -1;
    private long nanosTotal = -1;
    private long count0 = -1;
    private long nanos0;
    private long count1 = -1;
    private long nanos1;

    /** @param total the count at the end of the pass (records of the pass) */
    public SteadyRate(long total) {
        this.total = total;
        this.low = (long) Math.ceil(total * FROM);
        this.high = (long) Math.ceil(total * TO);
    }

    /** A count seen at a time; counts must not decrease. */
    public void observe(long count, long nanos) {
        if (count0 < 0 && count >= low) {
            count0 = count;
            nanos0 = nanos;
        }
        if (count1 < 0 && count >= high) {
            count1 = count;
            nanos1 = nanos;
        }
        if (nanosTotal < 0 && count >= total) {
            nanosTotal = nanos;
        }
    }

    public boolean complete() {
        return nanosTotal >= 0;
    }

    /** When the count was first seen at or past 10%, 90% and 100%, or -1. */
    public long[] milestones() {
        return new long[] {count0 < 0 ? -1 : nanos0, count1 < 0 ? -1 : nanos1, nanosTotal};
    }

    /** Units (e.g. samples) per second between the two observations, {@code unitsPerCount} per counted item. */
    public double perSecond(double unitsPerCount) {
        if (count0 < 0 || count1 <= count0 || nanos1 <= nanos0) {
            return Double.NaN;
        }
        return (count1 - count0) * unitsPerCount / ((nanos1 - nanos0) / 1e9);
    }

    /** Watches a count on a daemon thread, every {@code periodMicros}, until closed or complete. */
    public static final class Watch implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;

        public Watch(SteadyRate rate, LongSupplier count, long periodMicros) {
            thread = new Thread(() -> {
                while (!stop && !rate.complete()) {
                    rate.observe(count.getAsLong(), System.nanoTime());
                    java.util.concurrent.locks.LockSupport.parkNanos(periodMicros * 1000);
                }
            }, "bench-steady-rate");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }
}
