package io.thermocline.emulator.policy;

import io.thermocline.emulator.TierKind;

/**
 * A placement pin: pages of {@code pid} (or every process when pid is {@link #ANY_PID}) whose address lies in
 * [vaStart, vaEnd) must live on {@code wantedNode} (if >= 0) and/or on a node of {@code wantedTier} (if not null).
 *
 * @param id         pin id
 * @param pid        process, or ANY_PID
 * @param vaStart    first address covered (inclusive)
 * @param vaEnd      end of the range (exclusive)
 * @param wantedTier tier the pages must stay on, or null
 * @param wantedNode node the pages must stay on, or -1
 */
public record Pin(String id, int pid, long vaStart, long vaEnd, TierKind wantedTier, int wantedNode) {
    public static final int ANY_PID = -1;

    public Pin {
        if (wantedTier == null && wantedNode < 0) throw new IllegalArgumentException("pin needs a tier or a node");
        if (Long.compareUnsigned(vaStart, vaEnd) >= 0) throw new IllegalArgumentException("empty VA range");
    }

    /** Whole address space of one process. */
    public static Pin process(String id, int pid, TierKind tier, int node) {
        return new Pin(id, pid, 0, -1L, tier, node);
    }

    public boolean covers(int pid, long va) {
        return (this.pid == ANY_PID || this.pid == pid)
                && Long.compareUnsigned(va, vaStart) >= 0 && Long.compareUnsigned(va, vaEnd) < 0;
    }

    public boolean allows(int node, TierKind kind) {
        return (wantedNode < 0 || wantedNode == node) && (wantedTier == null || wantedTier == kind);
    }
}
