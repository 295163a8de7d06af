package io.thermocline.cli.replay;

import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who owned each physical frame of one host over time, from tc.page-owners (owner records and tombstones) and
 * tc.pfn-moves (the old frame is vacated and the page owns the new one from the move's time). Turns a sampled
 * PFN back into a placement-independent page identity (pid, vaddr).
 */
final class PageHistory {

    /** A page identity: process and page-aligned virtual address. */
    record PageId(int pid, long vaddr) {
    }

    /** Attributes of an identity that pins can select on. */
    record Attrs(String comm, String cgroup) {
    }

    /** Owner of a frame from a time on; {@code id == null} means the frame was free. */
    record Tenure(PageId id, int node) {
    }

    static final long PAGE_MASK = ~0xFFFL;
    private static final Tenure FREE = new Tenure(null, -1);

    private final Map<Long, TreeMap<Long, Tenure>> byPfn = new HashMap<>();
    /** Per identity: node from a time on (owner records and moves into a frame). */
    private final Map<PageId, TreeMap<Long, Integer>> nodes = new HashMap<>();
    private final Map<PageId, Attrs> attrs = new HashMap<>();

    void owner(long pfn, PageOwner o, long timeMs) {
        if (o == null) {
            byPfn.computeIfAbsent(pfn, k -> new TreeMap<>()).put(timeMs, FREE);
            return;
        }
        PageId id = new PageId(o.getPid(), o.getVaddr() & PAGE_MASK);
        byPfn.computeIfAbsent(pfn, k -> new TreeMap<>()).put(timeMs, new Tenure(id, o.getNode()));
        if (o.getNode() >= 0) {
            nodes.computeIfAbsent(id, k -> new TreeMap<>()).put(timeMs, o.getNode());
        }
        attrs.putIfAbsent(id, new Attrs(o.getComm(), o.getCgroup()));
    }

    void move(PfnMove m) {
        long t = m.getTimeMs().toEpochMilli();
        PageId id = new PageId(m.getPid(), m.getVaddr() & PAGE_MASK);
        TreeMap<Long, Tenure> old = byPfn.computeIfAbsent(m.getOldPfn(), k -> new TreeMap<>());
        Map.Entry<Long, Tenure> before = old.floorEntry(t);
        if (before == null || id.equals(before.getValue().id())) {
            old.put(t, FREE);
        }
        byPfn.computeIfAbsent(m.getNewPfn(), k -> new TreeMap<>()).put(t, new Tenure(id, m.getNewNode()));
        nodes.computeIfAbsent(id, k -> new TreeMap<>()).put(t, m.getNewNode());
    }

    void addAll(List<ReplayInput.OwnerRecord> owners, List<PfnMove> moves) {
        for (ReplayInput.OwnerRecord r : owners) {
            long t = r.value() != null ? r.value().getUpdatedMs().toEpochMilli() : r.timestampMs();
            owner(r.key().getPfn(), r.value(), t);
        }
        for (PfnMove m : moves) {
            move(m);
        }
    }

    /**
     * Owner of a frame sampled in window [start, end): the owner at the window's start (so samples taken before a
     * move during the window credit the moved page); failing that, the first owner that appeared during the
     * window (a page first touched in it). Null when unknown.
     */
    PageId resolve(long pfn, long start, long end) {
        TreeMap<Long, Tenure> h = byPfn.get(pfn);
        if (h == null) {
            return null;
        }
        Map.Entry<Long, Tenure> at = h.floorEntry(start);
        if (at != null && at.getValue().id() != null) {
            return at.getValue().id();
        }
        for (Map.Entry<Long, Tenure> e : h.subMap(start, false, end, false).entrySet()) {
            if (e.getValue().id() != null) {
                return e.getValue().id();
            }
        }
        return null;
    }

    /** Every identity that ever owned a frame. */
    java.util.Set<PageId> identities() {
        java.util.Set<PageId> ids = new java.util.HashSet<>(nodes.keySet());
        for (TreeMap<Long, Tenure> h : byPfn.values()) {
            for (Tenure t : h.values()) {
                if (t.id() != null) {
                    ids.add(t.id());
                }
            }
        }
        return ids;
    }

    /** Time the identity first owned a frame, or Long.MAX_VALUE. */
    long firstSeen(PageId id) {
        TreeMap<Long, Integer> n = nodes.get(id);
        return n == null || n.isEmpty() ? Long.MAX_VALUE : n.firstKey();
    }

    /** Node the identity lived on at a time (its first known node if it appeared later); -1 if unknown. */
    int nodeAt(PageId id, long timeMs) {
        TreeMap<Long, Integer> n = nodes.get(id);
        if (n == null || n.isEmpty()) {
            return -1;
        }
        Map.Entry<Long, Integer> e = n.floorEntry(timeMs);
        return e != null ? e.getValue() : n.firstEntry().getValue();
    }

    Attrs attrs(PageId id) {
        return attrs.getOrDefault(id, new Attrs(null, null));
    }

    static boolean byMigrator(PfnMove m) {
        return m.getCause() == MoveCause.MIGRATOR;
    }
}
