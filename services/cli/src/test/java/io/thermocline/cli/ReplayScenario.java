package io.thermocline.cli;

import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.cli.replay.ReplayInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small retained scenario for replay tests: one host, DRAM node 0 (128 frames, half used by cold pages) and CXL
 * node 1; one process of 256 pages, a hot set of 32 pages living on CXL, sampled for {@link #WINDOWS} windows of
 * one second. The real system promoted one hot page (a migrator PfnMove in window 3: later samples name its new
 * frame) and had one decision refused as stale.
 */
final class ReplayScenario {

    static final Instant T0 = Instant.parse("2026-11-26T06:00:00Z");
    static final long WINDOW_MS = 1000;
    static final int WINDOWS = 12;
    static final int PID = 4242;
    static final long VA = 0x7f00_0000_0000L;
    static final int PAGES = 256;
    static final int DRAM_PAGES = 64;
    static final int HOT_FROM = 192;
    static final int HOT = 32;
    static final long DRAM_BASE = 4096;
    static final long CXL_BASE = 16384;
    static final int HOT_COUNT = 40;
    static final int MOVED_PAGE = HOT_FROM;
    static final int MOVE_WINDOW = 3;
    /** Settings under which the topology decides within one sampler window (the what-if of every test). */
    static final Map<String, String> FAST_WINDOWS = Map.of("window.ms", "1000", "window.grace.ms", "0",
            "promote.min.hot.windows", "1");

    final String host;
    final List<NodeStats> nodes = new ArrayList<>();
    final List<PageOwner> owners = new ArrayList<>();
    final List<PageAccessBatch> batches = new ArrayList<>();
    final List<PfnMove> moves = new ArrayList<>();
    final List<MigrationResult> results = new ArrayList<>();

    ReplayScenario(String host) {
        this.host = host;
        Instant before = T0.minusSeconds(5);
        nodes.add(node(0, TierKind.DRAM, 128, 128 - DRAM_PAGES, 90, before));
        nodes.add(node(1, TierKind.CXL, 1024, 1024 - (PAGES - DRAM_PAGES), 216, before));
        for (int i = 0; i < PAGES; i++) {
            owners.add(PageOwner.newBuilder().setHost(host).setPfn(pfnAtStart(i)).setPid(PID).setVaddr(va(i))
                    .setComm("kvstore").setNode(i < DRAM_PAGES ? 0 : 1).setUpdatedMs(before).build());
        }
        long movedTo = DRAM_BASE + DRAM_PAGES; // first free DRAM frame
        Instant moveAt = T0.plusMillis(MOVE_WINDOW * WINDOW_MS + WINDOW_MS / 2);
        moves.add(PfnMove.newBuilder().setHost(host).setOldPfn(pfnAtStart(MOVED_PAGE)).setNewPfn(movedTo).setPid(PID)
                .setVaddr(va(MOVED_PAGE)).setOldNode(1).setNewNode(0).setCause(MoveCause.MIGRATOR)
                .setDecisionId("real-1").setTimeMs(moveAt).build());
        results.add(result("real-1", MigrationStatus.MOVED, moveAt));
        results.add(result("real-2", MigrationStatus.STALE_PFN, moveAt.plusMillis(1)));

        for (int w = 0; w < WINDOWS; w++) {
            Instant s = T0.plusMillis(w * WINDOW_MS);
            // frame -> count, per node
            TreeMap<Long, Integer> counts = new TreeMap<>();
            for (int i = 0; i < PAGES; i++) {
                int c = i >= HOT_FROM && i < HOT_FROM + HOT ? HOT_COUNT : i % 8 == 0 ? 1 : 0;
                if (c == 0) {
                    continue;
                }
                // samples of the moved page name its new frame from the window after the move
                long pfn = i == MOVED_PAGE && w > MOVE_WINDOW ? movedTo : pfnAtStart(i);
                counts.put(pfn, c);
            }
            TreeMap<Long, List<PageAccess>> byBlock = new TreeMap<>();
            counts.forEach((pfn, c) -> byBlock.computeIfAbsent(pfn >> 9, b -> new ArrayList<>())
                    .add(new PageAccess(pfn, c)));
            for (Map.Entry<Long, List<PageAccess>> b : byBlock.entrySet()) {
                long firstPfn = b.getValue().get(0).getPfn();
                batches.add(PageAccessBatch.newBuilder().setHost(host).setSource(AccessSource.PEBS)
                        .setNode(firstPfn < CXL_BASE ? 0 : 1).setBlock(b.getKey()).setBlockShift(9)
                        .setWindowStartMs(s).setWindowEndMs(s.plusMillis(WINDOW_MS)).setEpoch(w).setSampleRate(1)
                        .setEntries(b.getValue()).build());
            }
        }
    }

    static long pfnAtStart(int page) {
        return page < DRAM_PAGES ? DRAM_BASE + page : CXL_BASE + page;
    }

    static long va(int page) {
        return VA + ((long) page << 12);
    }

    private NodeStats node(int id, TierKind tier, long cap, long free, int lat, Instant t) {
        return NodeStats.newBuilder().setHost(host).setNode(id).setTier(tier).setTierRank(tier == TierKind.DRAM ? 0 : 1)
                .setCpuless(id > 0).setCapacityPages(cap).setFreePages(free).setLatencyNs(lat)
                .setBandwidthMBps(20_000).setDistances(List.of(10, 20)).setTimestampMs(t).build();
    }

    private MigrationResult result(String id, MigrationStatus st, Instant t) {
        return MigrationResult.newBuilder().setDecisionId(id).setHost(host).setPid(PID).setVaddr(va(MOVED_PAGE))
                .setOldPfn(pfnAtStart(MOVED_PAGE)).setNewPfn(st == MigrationStatus.MOVED ? DRAM_BASE + DRAM_PAGES : null)
                .setFromNode(1).setToNode(0).setStatus(st).setErrno(0).setLatencyMicros(5).setEvidenceMs(t)
                .setCompletedMs(t).build();
    }

    /** Sampled accesses of the scenario and how many the real placement served from DRAM. */
    long[] actualAccesses() {
        long all = 0;
        long fast = 0;
        for (PageAccessBatch b : batches) {
            for (PageAccess a : b.getEntries()) {
                all += a.getCount();
                if (b.getNode() == 0) {
                    fast += a.getCount();
                }
            }
        }
        return new long[] {all, fast};
    }

    ReplayInput input() {
        ReplayInput in = new ReplayInput();
        nodes.forEach(in::nodeStats);
        owners.forEach(in::owner);
        moves.forEach(in::move);
        results.forEach(in::result);
        batches.forEach(in::batch);
        return in;
    }
}
