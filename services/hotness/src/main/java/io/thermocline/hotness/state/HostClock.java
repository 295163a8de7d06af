package io.thermocline.hotness.state;

import java.nio.ByteBuffer;

/**
 * Per-host window clock of stage 1: the host's own event time (newest batch window start) and the end up
 * to which its windows are closed.
 */
public final class HostClock {

    private static final int BYTES = 2 * Long.BYTES;

    public long eventTimeMs = Long.MIN_VALUE;
    public long closedUpToMs = Long.MIN_VALUE;

    public static HostClock fromBytes(byte[] b) {
        HostClock c = new HostClock();
        if (b != null) {
            ByteBuffer buf = ByteBuffer.wrap(b);
            c.eventTimeMs = buf.getLong();
            c.closedUpToMs = buf.getLong();
        }
        return c;
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).putLong(eventTimeMs).putLong(closedUpToMs).array();
    }
}
