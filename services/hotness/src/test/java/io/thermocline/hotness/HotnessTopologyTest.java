package io.thermocline.hotness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.dlq.DeadLetter;
import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.Counters;
import io.thermocline.hotness.state.HostState;
import io.thermocline.hotness.state.StoreKeys;
import io.thermocline.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class HotnessTopologyTest {

    static final long DRAM = 0;
    static final long CXL = 1L << 20;
    static final long DEV = 2L << 20;

    private static Fixture fixture() throws Exception {
        return new Fixture(Map.of());
    }

    private static Fixture fixture(Map<String, Object> overrides) throws Exception {
        return new Fixture(overrides);
    }

    /** Two tiers: DRAM node 0 and CXL node 1. */
    private static void twoTiers(Fixture f, String host, long dramCap, long dramFree) {
        f.node(host, 0, TierKind.DRAM, 0, dramCap, dramFree, 0, 10, 20);
        f.node(host, 1, TierKind.CXL, 1, 100_000, 90_000, 0, 20, 10);
    }

    private static Map<Long, Integer> counts(long base, int from, int to, int count) {
        Map<Long, Integer> m = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            m.put(base + i, count);
        }
        return m;
    }

    private static void owners(Fixture f, String host, long base, int from, int to, int pid, int node) {
        for (int i = from; i < to; i++) {
            f.owner(host, base + i, pid, 0x7f00_0000_0000L + (long) i * 4096, node, 0);
        }
    }

    @Test
    void everyOperatorAndStoreIsNamed() throws Exception {
        try (Fixture f = fixture()) {
            String d = HotnessTopology.build(new StreamsBuilder(), f.config, f.serdes).build().describe().toString();
            assertFalse(d.contains("KSTREAM-"), d);
            assertFalse(d.contains("KTABLE-"), d);
            assertTrue(d.contains(HotnessTopology.OPEN_WINDOWS_STORE) && d.contains(HotnessTopology.HEAT_STORE), d);
        }
    }

    @Test
    void hotThresholdIsSizedToFastTierCapacity() throws Exception {
        try (Fixture f = fixture()) {
            // small DRAM: 100 pages minus 2% headroom -> only the 50 very hot pages fit
            twoTiers(f, "small", 100, 100);
            // large DRAM: every sampled page fits
            twoTiers(f, "large", 400, 400);
            for (String h : List.of("small", "large")) {
                owners(f, h, CXL, 0, 300, 1, 1);
            }
            for (int w = 0; w < 2; w++) {
                for (String h : List.of("small", "large")) {
                    Map<Long, Integer> c = counts(CXL, 0, 50, 1000);
                    c.putAll(counts(CXL, 50, 300, 10));
                    f.samples(h, 1, w, c);
                }
                f.tick(w + 1);
            }
            List<MigrationDecision> ds = f.drainDecisions();
            Set<Long> small = pfns(ds, "small", DecisionReason.PROMOTE_HOT);
            Set<Long> large = pfns(ds, "large", DecisionReason.PROMOTE_HOT);
            assertEquals(counts(CXL, 0, 50, 1).keySet(), small, "only the hot set fits the small fast tier");
            assertEquals(300, large.size(), "everything sampled fits the large fast tier");
            for (MigrationDecision d : ds) {
                assertEquals(1, d.getFromNode());
                assertEquals(0, d.getToNode());
                assertEquals(d.getCreatedMs().toEpochMilli() + f.config.decisionDeadlineMs(),
                        d.getDeadlineMs().toEpochMilli());
            }
        }
    }

    @Test
    void promotionNeedsTwoHotWindowsAndDemotedPagesCoolDown() throws Exception {
        try (Fixture f = fixture(Map.of(HotnessConfig.COOLDOWN_WINDOWS, 3))) {
            String h = "hyst";
            // full DRAM: free 0 under the watermark -> the cold DRAM page D is demoted
            f.node(h, 0, TierKind.DRAM, 0, 10, 0, 0, 10, 20);
            f.node(h, 1, TierKind.CXL, 1, 1000, 900, 0, 20, 10);
            long d = DRAM + 5;
            f.owner(h, d, 9, 0x9000, 0, 0);
            owners(f, h, CXL, 100, 101, 2, 1);
            f.samples(h, 1, 0, counts(CXL, 100, 101, 800));
            f.tick(1);
            List<MigrationDecision> first = f.drainDecisions();
            assertTrue(pfns(first, h, DecisionReason.PROMOTE_HOT).isEmpty(), "hot in one window only: held");
            MigrationDecision demote = first.stream().filter(x -> x.getReason() == DecisionReason.DEMOTE_COLD)
                    .findFirst().orElseThrow();
            assertEquals(d, demote.getPfn());
            assertEquals(1, demote.getToNode());
            long demotedWindow = demote.getCreatedMs().toEpochMilli() / Fixture.WINDOW;

            // the demotion happens: D lands on CXL frame E, DRAM has room again
            long e = CXL + 7;
            f.move(h, d, e, 9, 0x9000, 0, 1, 1500);
            f.node(h, 0, TierKind.DRAM, 0, 10, 6, 1500, 10, 20);
            long promotedAt = -1;
            for (int w = 1; w < 9 && promotedAt < 0; w++) {
                Map<Long, Integer> c = counts(CXL, 100, 101, 800);
                c.put(e, 800);
                f.samples(h, 1, w, c);
                f.tick(w + 1);
                for (MigrationDecision x : f.drainDecisions()) {
                    if (x.getReason() == DecisionReason.PROMOTE_HOT && x.getPfn() == e) {
                        promotedAt = x.getCreatedMs().toEpochMilli() / Fixture.WINDOW;
                    }
                }
            }
            assertTrue(promotedAt > 0, "the demoted page is promoted once its cooldown is over");
            // 3 cooldown windows, then 2 hot windows of hysteresis
            assertTrue(promotedAt >= demotedWindow + 3 + 1, "promoted at " + promotedAt + ", demoted at " + demotedWindow);
            assertTrue(f.hostState(h).counter(Counters.COOLDOWN_BLOCKED) >= 2);
            assertTrue(f.hostState(h).counter(Counters.HYSTERESIS_HELD) >= 1);
        }
    }

    @Test
    void targetNodeIsTheFastestNearestNodeWithRoomAcrossThreeTiers() throws Exception {
        try (Fixture f = fixture()) {
            // "free": DRAM has room; "dramFull": DRAM full, CXL has room; "twoDram": nearer DRAM node 3 wins
            for (String h : List.of("free", "dramFull", "twoDram")) {
                long dramFree = h.equals("dramFull") ? 0 : 100;
                f.node(h, 0, TierKind.DRAM, 0, 100, dramFree, 0, 10, 20, 30, 12);
                f.node(h, 1, TierKind.CXL, 1, 1000, 1000, 0, 20, 10, 20, 20);
                f.node(h, 2, TierKind.DEVICE_COHERENT, 2, 1000, 900, 0, 30, 20, 10, 17);
                if (h.equals("twoDram")) {
                    f.node(h, 3, TierKind.DRAM, 0, 100, 100, 0, 12, 20, 17, 10);
                }
                owners(f, h, DEV, 0, 1, 3, 2);
            }
            for (int w = 0; w < 2; w++) {
                for (String h : List.of("free", "dramFull", "twoDram")) {
                    f.samples(h, 2, w, counts(DEV, 0, 1, 500));
                }
                f.tick(w + 1);
            }
            Map<String, Integer> target = new HashMap<>();
            for (MigrationDecision d : f.drainDecisions()) {
                if (d.getReason() == DecisionReason.PROMOTE_HOT) {
                    assertEquals(2, d.getFromNode());
                    target.put(d.getHost().toString(), d.getToNode());
                }
            }
            assertEquals(Map.of("free", 0, "dramFull", 1, "twoDram", 3), target);
        }
    }

    @Test
    void pinsBlockMovesEnforcePlacementAndConflictsAreCounted() throws Exception {
        try (Fixture f = fixture()) {
            String h = "pins";
            twoTiers(f, h, 100, 100);
            f.pin("keep-42", h, PinSelector.newBuilder().setPid(42).build(), TierKind.CXL, null);
            f.pin("cxl-43", "*", PinSelector.newBuilder().setPid(43).build(), TierKind.CXL, null);
            f.pin("c-cxl", h, PinSelector.newBuilder().setPid(44).build(), TierKind.CXL, null);
            f.pin("c-dram", h, PinSelector.newBuilder().setPid(44).setComm("db").build(), null, 0);
            f.pin("other-host", "elsewhere", PinSelector.newBuilder().setPid(7).build(), TierKind.CXL, null);
            f.owner(h, CXL + 1, 42, 0x1000, 1, 0);
            f.owner(h, CXL + 2, 7, 0x2000, 1, 0);
            f.owner(h, CXL + 3, 44, 0x3000, 1, null, "db", 0);
            f.owner(h, DRAM + 4, 43, 0x4000, 0, 0);
            for (int w = 0; w < 2; w++) {
                f.samples(h, 1, w, counts(CXL, 1, 4, 900));
                f.samples(h, 0, w, counts(DRAM, 4, 5, 1));
                f.tick(w + 1);
            }
            List<MigrationDecision> ds = f.drainDecisions();
            assertEquals(Set.of(CXL + 2), pfns(ds, h, DecisionReason.PROMOTE_HOT), "only the unpinned page moves");
            MigrationDecision enforce = ds.stream().filter(d -> d.getReason() == DecisionReason.ENFORCE_PIN)
                    .findFirst().orElseThrow();
            assertEquals(DRAM + 4, enforce.getPfn());
            assertEquals(1, enforce.getToNode(), "pinned to CXL: goes to the CXL node");
            assertTrue(ds.stream().noneMatch(d -> d.getPid() == 42 || d.getPid() == 44), ds.toString());
            assertTrue(f.hostState(h).counter(Counters.PIN_CONFLICTS) >= 1);
            assertTrue(f.hostState(h).counter(Counters.PIN_BLOCKED) >= 1);
        }
    }

    @Test
    void noDecisionForAStalePfnAfterAMoveAndHeatFollowsThePage() throws Exception {
        try (Fixture f = fixture()) {
            String h = "moves";
            twoTiers(f, h, 100, 100);
            long p = CXL + 3;
            long q = CXL + 600; // another block
            f.owner(h, p, 5, 0x5000, 1, 0);
            f.samples(h, 1, 0, Map.of(p, 500));
            f.tick(1);
            assertTrue(f.drainDecisions().isEmpty());
            // the kernel moves the page (compaction) during window 1; samples of window 1 were stamped before
            f.move(h, p, q, 5, 0x5000, 1, 1, 1500);
            f.samples(h, 1, 1, Map.of(p, 500));
            f.tick(2);
            List<MigrationDecision> ds = f.drainDecisions();
            assertTrue(ds.stream().noneMatch(d -> d.getPfn() == p), "no decision names the old frame: " + ds);
            MigrationDecision d = ds.stream().filter(x -> x.getPfn() == q).findFirst().orElseThrow();
            assertEquals(DecisionReason.PROMOTE_HOT, d.getReason());
            assertEquals(1, d.getPfnGeneration(), "generation + 1 after the move");
            assertEquals(5, d.getPid());
            // old heat (500, halved) + window-1 samples stamped before the move credited to the moved page
            KeyValueStore<Bytes, byte[]> heatStore = f.driver.getKeyValueStore(HotnessTopology.HEAT_STORE);
            BlockState qs = BlockState.fromBytes(heatStore.get(StoreKeys.hostLong(h, q >> Fixture.SHIFT)));
            int qi = qs.indexOf((int) (q & 511));
            assertEquals(750, qs.heatAt(qi));
            assertEquals(1, qs.genAt(qi));
            KeyValueStore<Bytes, byte[]> stale = f.driver.getKeyValueStore(HotnessTopology.STALE_STORE);
            byte[] st = stale.get(StoreKeys.hostLong(h, p));
            assertNotNull(st, "the old frame is remembered as stale");
            assertEquals(0, java.nio.ByteBuffer.wrap(st).getInt(), "stale up to generation 0");
            KeyValueStore<Bytes, byte[]> heat = f.driver.getKeyValueStore(HotnessTopology.HEAT_STORE);
            byte[] oldBlock = heat.get(StoreKeys.hostLong(h, p >> Fixture.SHIFT));
            assertTrue(oldBlock == null || BlockState.fromBytes(oldBlock).indexOf((int) (p & 511)) < 0,
                    "old PFN state tombstoned");
        }
    }

    @Test
    void movesAreRateLimitedPerHost() throws Exception {
        // 0.04 MB/s over 1 s windows: 40,000 bytes = 9 pages per window
        try (Fixture f = fixture(Map.of(HotnessConfig.RATE_LIMIT_MBPS, 0.04))) {
            String h = "rate";
            twoTiers(f, h, 1000, 1000);
            owners(f, h, CXL, 0, 50, 1, 1);
            int total = 0;
            for (int w = 0; w < 3; w++) {
                f.samples(h, 1, w, counts(CXL, 0, 50, 1000));
                f.tick(w + 1);
                List<MigrationDecision> ds = f.drainDecisions();
                if (w == 1 || w == 2) {
                    assertEquals(9, ds.size(), "window " + w);
                }
                total += ds.size();
            }
            assertEquals(18, total);
            assertTrue(f.hostState(h).counter(Counters.RATE_LIMITED) > 0);
        }
    }

    @Test
    void badRecordsGoToTheDeadLetterQueueWithTheReason() throws Exception {
        // TopologyTestDriver under exactly_once_v2 drops the deserialization handler's DLQ records (its mock
        // producer never commits a transaction holding only them); HotnessFailoverIT checks that path under EOS
        // against the real broker.
        try (Fixture f = new Fixture(Map.of(), Map.of(org.apache.kafka.streams.StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                org.apache.kafka.streams.StreamsConfig.AT_LEAST_ONCE))) {
            byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
            f.rawAccess.pipeInput(garbage, garbage);
            f.access.pipeInput(new PfnBlockKey("h", 1L),
                    Fixture.batch("h", 0, 1, 0, List.of(new PageAccess(5L, 3))), 0L); // pfn 5 is not in block 1
            List<DeadLetter> dead = f.dlq.readValuesToList();
            assertEquals(2, dead.size(), dead.toString());
            DeadLetter a = dead.get(0);
            assertEquals(Topics.PAGE_ACCESS.name(), a.getTopic().toString());
            assertEquals(0, a.getPartition());
            assertEquals(0, a.getOffset());
            assertTrue(a.getReason().length() > 0);
            assertEquals(garbage.length, a.getValue().remaining());
            DeadLetter b = dead.get(1);
            assertEquals(1, b.getOffset());
            assertTrue(b.getReason().toString().contains("outside block"), b.getReason().toString());
            assertEquals("io.thermocline.hotness.errors.InvalidRecordException", b.getExceptionClass().toString());
        }
    }

    @Test
    void aDecisionNamesTheOwnerPublishedAfterTheLastSummary() throws Exception {
        try (Fixture f = fixture()) {
            String h = "remap";
            twoTiers(f, h, 1000, 1000);
            long p = CXL + 3;
            f.owner(h, p, 1, 0x1000, 1, 0);
            f.samples(h, 1, 0, counts(CXL, 3, 4, 800));
            f.tick(1);
            assertTrue(f.drainDecisions().isEmpty(), "hot in one window only: held");
            // the frame changes hands between two summaries of its block (stage 1 caches owners across windows)
            f.owner(h, p, 7, 0x7000, 1, 1500);
            List<MigrationDecision> ds = new ArrayList<>();
            for (int w = 1; w < 3; w++) {
                f.samples(h, 1, w, counts(CXL, 3, 4, 800));
                f.tick(w + 1);
                ds.addAll(f.drainDecisions());
            }
            // the new owner's page is hot for two windows from window 1: promoted then, under its own pid and VA
            assertEquals(1, ds.size(), ds.toString());
            MigrationDecision d = ds.get(0);
            assertEquals(DecisionReason.PROMOTE_HOT, d.getReason());
            assertEquals(p, d.getPfn());
            assertEquals(7, d.getPid());
            assertEquals(0x7000, d.getVaddr());
        }
    }

    @Test
    void pagesOfABlockThatWentIdleHotAreDemotedOnceCold() throws Exception {
        try (Fixture f = fixture()) {
            String h = "idle";
            // full DRAM of 10 pages
            f.node(h, 0, TierKind.DRAM, 0, 10, 0, 0, 10, 20);
            f.node(h, 1, TierKind.CXL, 1, 1000, 900, 0, 20, 10);
            owners(f, h, DRAM, 0, 5, 1, 0);
            owners(f, h, CXL, 0, 8, 2, 1);
            // a DRAM block hot for two windows (summaries name no cold page of it), then never sampled again
            for (int w = 0; w < 2; w++) {
                Map<Long, Integer> c = counts(DRAM, 0, 5, 800);
                f.samples(h, 0, w, c);
                f.tick(w + 1);
            }
            f.drainDecisions();
            // a new hot set on CXL wants the DRAM frames of the idle pages as they cool
            Set<Long> demoted = new java.util.TreeSet<>();
            for (int w = 2; w < 12; w++) {
                f.samples(h, 1, w, counts(CXL, 0, 8, 800));
                f.tick(w + 1);
                demoted.addAll(pfns(f.drainDecisions(), h, DecisionReason.DEMOTE_COLD));
            }
            assertFalse(demoted.isEmpty(), "no page of the idle block was demoted");
            assertTrue(counts(DRAM, 0, 5, 1).keySet().containsAll(demoted), demoted.toString());
        }
    }

    private static Set<Long> pfns(List<MigrationDecision> ds, String host, DecisionReason reason) {
        return ds.stream().filter(d -> d.getHost().toString().equals(host) && d.getReason() == reason)
                .map(MigrationDecision::getPfn).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
