package io.thermocline.hotness.state;

import java.nio.ByteBuffer;

/**
 * Per-host window clock of stage 1: the host's own event time (newest batch window start), the end up to
 * which its windows are closed, and the range of window starts that may hold unfolded samples (a lower and an upper bound).
 */
public final class HostClock {

    private static final int BYTES = 4 * Long.BYTES;

    public long eventTimeMs = Long.MIN_VALUE;
    public long closedUpToMs = Long.MIN_VALUE;
    public long minOpenStartMs = Long.MAX_VALUE;
    public long maxOpenStartMs = Long.MIN_VALUE;

    public static HostClock fromBytes(byte[] b) {
        HostClock c = new HostClock();
        if (b != null) {
            ByteBuffer buf = ByteBuffer.wrap(b);
            c.eventTimeMs = buf.getLong();
            c.closedUpToMs = buf.getLong();
            c.minOpenStartMs = buf.getLong();
            c.maxOpenStartMs = buf.getLong();
        }
        return c;
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).putLong(eventTimeMs).putLong(closedUpToMs).putLong(minOpenStartMs)
                .putLong(maxOpenStartMs).array();
    }
}
