package io.thermocline.emulator;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Event time of a lockstep run: whoever drives the epochs sets it (e.g. to the end of the current epoch), and the
 * services of an emulated host (sampler, migrator) read it instead of the wall clock.
 */
public final class EmulatedClock extends Clock {

    private volatile long millis;

    public EmulatedClock(long startMillis) {
        this.millis = startMillis;
    }

    public void set(long epochMillis) {
        this.millis = epochMillis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
