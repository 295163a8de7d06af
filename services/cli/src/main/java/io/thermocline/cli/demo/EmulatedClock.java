package io.thermocline.cli.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the lockstep run sets to the end of the current epoch; shared by a host's sampler and migrator. */
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
