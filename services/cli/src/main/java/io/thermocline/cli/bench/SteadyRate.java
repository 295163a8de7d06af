package io.thermocline.cli.bench;

import java.util.function.LongSupplier;

/**
 * Sustained rate of a pass: the first observations of a growing count at or past 10% and at or past 90% of the
 * pass's total, and the count and time between them. That leaves out both ends of a pass - client start-up and
 * first fetch, and the tail (the last batch, an exactly-once commit up to one commit interval later) - which are
 * fixed costs that a continuous stream does not pay per record.
 */
public final class SteadyRate {

    public static final double FROM = 0.1;
    public static final double TO = 0.9;

    private final long low;
    private final long high;
    private long count0 = -1;
    private long nanos0;
    private long count1 = -1;
    private long nanos1;

    /** @param total the count at the end of the pass (records of the pass) */
    public SteadyRate(long total) {
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
    }

    public boolean complete() {
        return count1 >= 0;
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
