package io.thermocline.sampler;

import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Remembers who maps each frame and turns scans into changes only: new or changed owners ({@link PageOwner} with a
 * per-frame generation), frames no longer mapped by any tracked page (tombstones, at the end of a full pass), and
 * pages whose frame changed without the migrator doing it ({@link PfnMove} with cause KERNEL: compaction, NUMA
 * balancing, khugepaged, swap-in, another tool). Moves announced with {@link #expectMove} (the migrator's, read from
 * tc.pfn-moves) are not reported again. A page unmapped and faulted in again at the same address between two scans
 * also reads as a KERNEL move: the scan cannot tell the two apart. Not thread safe.
 */
public final class OwnerTracker {

    /** A tracked frame: its page key, generation and last observation. */
    record Owned(long page, long generation, OwnerObservation obs) {
    }

    /** What one scan changed. */
    public record Changes(List<PageOwner> owners, List<PfnMove> kernelMoves) {
        public boolean isEmpty() {
            return owners.isEmpty() && kernelMoves.isEmpty();
        }
    }

    private final String host;
    // page keys are packed (pid, virtual page number) longs: record keys hash through method handles, too slow here
    private final Map<Long, Long> pfnOfPage = new HashMap<>();
    private final Map<Long, Owned> ownerOfPfn = new HashMap<>();
    private final Map<Long, Long> generations = new HashMap<>();
    /** Moves the migrator made: page -> new frame, consumed when the scan sees it. */
    private final Map<Long, Long> expected = new HashMap<>();
    private final Set<Long> seenInPass = new HashSet<>();
    /** Frame changes not (yet) explained by a migrator move, oldest first: reported as KERNEL after the grace. */
    private final Map<Long, Pending> pending = new java.util.LinkedHashMap<>();
    private final long graceMs;

    /** A frame change seen at {@code seenMs}, waiting for the migrator's PfnMove to explain it. */
    record Pending(PfnMove move, long seenMs) {
    }

    public OwnerTracker(String host) {
        this(host, 0);
    }

    /**
     * @param graceMs how long a frame change waits for the migrator's own PfnMove (read back from tc.pfn-moves, so
     *                it can arrive after the scan that sees the change) before it is reported as a KERNEL move
     */
    public OwnerTracker(String host, long graceMs) {
        this.host = host;
        this.graceMs = graceMs;
    }

    /** (pid, va) as one long: pid in the top 27 bits, the 4 KiB virtual page number (47-bit VA) in the low 36. */
    static long pageKey(int pid, long vaddr) {
        return ((long) pid << 36) | ((vaddr >>> 12) & ((1L << 36) - 1));
    }

    /** Announces a move Thermocline made, so the scan that sees it does not report it as KERNEL. */
    public void expectMove(int pid, long vaddr, long newPfn) {
        long key = pageKey(pid, vaddr);
        Pending p = pending.get(key);
        if (p != null && p.move().getNewPfn() == newPfn) {
            pending.remove(key);     // the change the scan already saw was ours
            return;
        }
        expected.put(key, newPfn);
    }

    public int trackedPages() {
        return pfnOfPage.size();
    }

    /** Frame currently recorded for (pid, va), -1 when untracked. */
    public long pfnOf(int pid, long vaddr) {
        return pfnOfPage.getOrDefault(pageKey(pid, vaddr), -1L);
    }

    /** Frames with a known owner, ascending. */
    public long[] ownedPfns() {
        long[] out = ownerOfPfn.keySet().stream().mapToLong(Long::longValue).toArray();
        java.util.Arrays.sort(out);
        return out;
    }

    /** Current owner record of a frame, or null. */
    public OwnerObservation ownerOf(long pfn) {
        Owned o = ownerOfPfn.get(pfn);
        return o == null ? null : o.obs();
    }

    /** Folds one batch of observations in. */
    public Changes observe(List<OwnerObservation> scan, long nowMs) {
        List<PageOwner> owners = new ArrayList<>();
        List<PfnMove> moves = new ArrayList<>();
        Instant now = Instant.ofEpochMilli(nowMs);
        for (OwnerObservation o : scan) {
            long key = pageKey(o.pid(), o.vaddr());
            seenInPass.add(key);
            Long before = pfnOfPage.put(key, o.pfn());
            if (before != null && before != o.pfn()) {
                Long exp = expected.remove(key);
                Owned prev = ownerOfPfn.get(before);
                if (exp == null || exp != o.pfn()) {
                    Pending older = pending.remove(key);
                    long oldPfn = older == null ? before : older.move().getOldPfn();
                    pending.put(key, new Pending(new PfnMove(host, oldPfn, o.pfn(), o.pid(), o.vaddr(),
                            prev == null ? -1 : prev.obs().node(), o.node(), MoveCause.KERNEL, null, now), nowMs));
                }
                if (prev != null && prev.page() == key) {
                    ownerOfPfn.remove(before);
                }
            } else if (before == null || expected.getOrDefault(key, -1L) == o.pfn()) {
                expected.remove(key);
            }
            Owned cur = ownerOfPfn.get(o.pfn());
            if (cur != null && cur.page() == key && sameOwner(cur.obs(), o)) {
                continue;
            }
            long gen = generations.merge(o.pfn(), 1L, Long::sum);
            ownerOfPfn.put(o.pfn(), new Owned(key, gen, o));
            // all-args constructor: Avro builders validate every field, too slow per scanned page
            owners.add(new PageOwner(host, o.pfn(), gen, o.pid(), o.vaddr(), o.cgroup(), o.comm(), o.shared(),
                    o.folioOrder(), o.node(), now));
        }
        for (var it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (nowMs - p.seenMs() < graceMs) {
                break;     // insertion order = observation order
            }
            moves.add(p.move());
            it.remove();
        }
        return new Changes(owners, moves);
    }

    /** Frame changes waiting for their grace period. */
    public int pendingMoves() {
        return pending.size();
    }

    /**
     * Ends a full pass over the tracked processes: pages not seen since the previous end of pass are gone (unmapped,
     * process exited); returns their frames (to tombstone) unless something else owns them now.
     */
    public List<Long> endPass() {
        List<Long> freed = new ArrayList<>();
        pfnOfPage.entrySet().removeIf(e -> {
            if (seenInPass.contains(e.getKey())) {
                return false;
            }
            Owned o = ownerOfPfn.get(e.getValue());
            if (o != null && o.page() == e.getKey()) {
                ownerOfPfn.remove(e.getValue());
                freed.add(e.getValue());
            }
            expected.remove(e.getKey());
            return true;
        });
        seenInPass.clear();
        return freed;
    }

    private static boolean sameOwner(OwnerObservation a, OwnerObservation b) {
        return a.shared() == b.shared() && a.folioOrder() == b.folioOrder() && a.node() == b.node()
                && Objects.equals(a.comm(), b.comm()) && Objects.equals(a.cgroup(), b.cgroup());
    }
}
