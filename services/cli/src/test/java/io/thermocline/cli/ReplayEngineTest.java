package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.cli.replay.ReplayEngine;
import io.thermocline.cli.replay.ReplayInput;
import io.thermocline.cli.replay.ReplayMetrics;
import io.thermocline.cli.replay.ReplayOverrides;
import io.thermocline.cli.replay.ReplayResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The replay core on in-memory retained records (no broker): actual side, what-if side, parameter effects. */
class ReplayEngineTest {

    private static ReplayResult replay(ReplayScenario s, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(ReplayScenario.FAST_WINDOWS);
        o.putAll(extra);
        return ReplayEngine.run(s.input(), Map.of(), o, List.of(), ReplayEngine.newApplicationId(),
                ReplayEngine.Progress.NONE);
    }

    @Test
    void actualSideComesFromTheRetainedPlacementMovesAndResults() {
        ReplayScenario s = new ReplayScenario("h1");
        ReplayResult r = replay(s, Map.of());
        ReplayResult.HostResult h = r.hosts().get(0);
        ReplayMetrics a = h.actual();
        long[] acc = s.actualAccesses();
        assertEquals(acc[0], a.accesses(), "every sample resolves to a page (the moved page's new frame too)");
        assertEquals(0, h.unresolvedSamples());
        assertEquals(acc[1], a.fastAccesses());
        assertEquals(1, a.promotedPages());
        assertEquals(0, a.demotedPages());
        assertEquals(1, a.staleRefused());
        assertEquals(ReplayScenario.WINDOWS, h.windows());
        assertEquals(ReplayScenario.PAGES, h.pages(), "one identity per (pid, vaddr), not per frame");
        assertTrue(r.applicationId().startsWith("thermocline-replay-"));
        assertEquals(s.input().recordCount(), r.records());
    }

    @Test
    void whatIfPromotesTheHotSetAndBeatsTheRealPlacement() {
        ReplayResult r = replay(new ReplayScenario("h1"), Map.of());
        ReplayMetrics a = r.actual();
        ReplayMetrics w = r.whatIf();
        assertEquals(a.accesses(), w.accesses(), "both sides count the same accesses");
        assertTrue(w.promotedPages() >= ReplayScenario.HOT - 1, "hot set promoted: " + w);
        assertTrue(w.decisions() >= w.promotedPages());
        assertEquals(0, w.pinRefused());
        assertTrue(w.fastAccessRatio() > a.fastAccessRatio() + 0.3, a + " vs " + w);
    }

    @Test
    void aVeryLowRateLimitYieldsFewerMoves() {
        ReplayResult fast = replay(new ReplayScenario("h1"), Map.of());
        ReplayResult slow = replay(new ReplayScenario("h1"), Map.of("rate.limit.mbps", "0.001"));
        assertTrue(fast.whatIf().movedPages() > 0, fast.whatIf().toString());
        assertTrue(slow.whatIf().movedPages() < fast.whatIf().movedPages(), slow.whatIf() + " vs " + fast.whatIf());
        assertTrue(slow.whatIf().fastAccessRatio() < fast.whatIf().fastAccessRatio());
        assertEquals(fast.actual(), slow.actual(), "the actual side does not depend on the what-if parameters");
        assertEquals(Map.of("window.ms", "1000", "window.grace.ms", "0", "promote.min.hot.windows", "1",
                "rate.limit.mbps", "0.001"), slow.overrides());
    }

    @Test
    void headroomChangesTheWhatIf() {
        ReplayResult none = replay(new ReplayScenario("h1"), Map.of());
        ReplayResult big = replay(new ReplayScenario("h1"), Map.of("fast.headroom.fraction", "0.9"));
        assertTrue(big.whatIf().promotedPages() < none.whatIf().promotedPages(), big.whatIf() + " vs " + none.whatIf());
    }

    @Test
    void deterministicForTheSameInput() {
        ReplayResult a = replay(new ReplayScenario("h1"), Map.of("rate.limit.mbps", "0.05"));
        ReplayResult b = replay(new ReplayScenario("h1"), Map.of("rate.limit.mbps", "0.05"));
        assertEquals(a.hosts().get(0), b.hosts().get(0));
    }

    @Test
    void theStoreEngineDoesNotChangeTheResult() {
        ReplayResult mem = replay(new ReplayScenario("h1"), Map.of());
        ReplayResult rocks = replay(new ReplayScenario("h1"), Map.of("store.type", "rocksdb"));
        assertEquals(mem.hosts().get(0), rocks.hosts().get(0));
    }

    @Test
    void hostsAreReplayedSeparatelyAndSummed() {
        ReplayInput both = new ReplayScenario("h1").input();
        ReplayScenario h2 = new ReplayScenario("h2");
        h2.nodes.forEach(both::nodeStats);
        h2.owners.forEach(both::owner);
        h2.moves.forEach(both::move);
        h2.results.forEach(both::result);
        h2.batches.forEach(both::batch);
        ReplayResult all = ReplayEngine.run(both, Map.of(), ReplayScenario.FAST_WINDOWS, List.of(),
                ReplayEngine.newApplicationId(), ReplayEngine.Progress.NONE);
        assertEquals(List.of("h1", "h2"), all.hosts().stream().map(ReplayResult.HostResult::host).toList());
        ReplayResult one = replay(new ReplayScenario("h1"), Map.of());
        for (ReplayResult.HostResult h : all.hosts()) {
            assertEquals(one.hosts().get(0).actual(), h.actual(), h.host());
            assertEquals(one.hosts().get(0).whatIf(), h.whatIf(), h.host() + ": same data, same result");
        }
        assertEquals(one.actual().plus(one.actual()), all.actual());
        assertEquals(one.whatIf().promotedPages() * 2, all.whatIf().promotedPages());
        ReplayResult only = ReplayEngine.run(both, Map.of(), ReplayScenario.FAST_WINDOWS, List.of("h2"),
                ReplayEngine.newApplicationId(), ReplayEngine.Progress.NONE);
        assertEquals(List.of("h2"), only.hosts().stream().map(ReplayResult.HostResult::host).toList());
    }

    @Test
    void aHostWithoutNodeStatsIsAClearError() {
        ReplayScenario s = new ReplayScenario("h1");
        ReplayInput in = new ReplayInput();
        s.owners.forEach(in::owner);
        s.batches.forEach(in::batch);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReplayEngine.run(in, Map.of(),
                Map.of(), List.of(), ReplayEngine.newApplicationId(), ReplayEngine.Progress.NONE));
        assertTrue(e.getMessage().contains("no tc.node-stats for host h1"), e.getMessage());
    }

    @Test
    void samplesOnFramesWithoutAnOwnerAreUnresolved() {
        ReplayScenario s = new ReplayScenario("h1");
        ReplayInput in = new ReplayInput();
        s.nodes.forEach(in::nodeStats);
        s.owners.stream().filter(o -> o.getPfn() != ReplayScenario.pfnAtStart(ReplayScenario.HOT_FROM + 1))
                .forEach(in::owner);
        s.moves.forEach(in::move); // without it the moved page's later samples would be unresolved too
        s.batches.forEach(in::batch);
        ReplayResult r = ReplayEngine.run(in, Map.of(), ReplayScenario.FAST_WINDOWS, List.of(),
                ReplayEngine.newApplicationId(), ReplayEngine.Progress.NONE);
        ReplayResult.HostResult h = r.hosts().get(0);
        assertEquals((long) ReplayScenario.HOT_COUNT * ReplayScenario.WINDOWS, h.unresolvedSamples());
        assertEquals(s.actualAccesses()[0] - h.unresolvedSamples(), h.actual().accesses());
        assertEquals(h.actual().accesses(), h.whatIf().accesses());
    }

    @Test
    void pinsFromTheRetainedTopicHoldInTheWhatIf() {
        ReplayScenario s = new ReplayScenario("h1");
        ReplayInput in = s.input();
        long from = ReplayScenario.va(ReplayScenario.HOT_FROM);
        long to = ReplayScenario.va(ReplayScenario.HOT_FROM + ReplayScenario.HOT);
        in.pin(new PinKey("keep-hot-on-cxl"), PolicyPin.newBuilder().setPinId("keep-hot-on-cxl").setHost("*")
                .setSelector(PinSelector.newBuilder().setPid(ReplayScenario.PID).setVaStart(from).setVaEnd(to).build())
                .setWantedTier(TierKind.CXL).setReason("test").setCreatedMs(ReplayScenario.T0.minusSeconds(60)).build());
        in.pin(new PinKey("removed"), PolicyPin.newBuilder().setPinId("removed").setHost("*")
                .setSelector(PinSelector.newBuilder().setPid(ReplayScenario.PID).build())
                .setWantedTier(TierKind.CXL).setReason("gone").setCreatedMs(ReplayScenario.T0.minusSeconds(60)).build());
        in.pin(new PinKey("removed"), null); // tombstone: unpinned
        ReplayResult pinned = ReplayEngine.run(in, Map.of(), ReplayScenario.FAST_WINDOWS, List.of(),
                ReplayEngine.newApplicationId(), ReplayEngine.Progress.NONE);
        ReplayResult free = replay(new ReplayScenario("h1"), Map.of());
        ReplayMetrics w = pinned.whatIf();
        assertEquals(0, w.pinRefused(), "the topology itself never decides against a pin");
        assertTrue(w.promotedPages() <= free.whatIf().promotedPages() - (ReplayScenario.HOT - 1),
                "the pinned hot set stays on CXL: " + w + " vs " + free.whatIf());
        assertTrue(w.fastAccessRatio() < 0.2, w.toString());
    }

    @Test
    void progressCountsEveryBatch() {
        ReplayScenario s = new ReplayScenario("h1");
        AtomicLong n = new AtomicLong();
        ReplayEngine.run(s.input(), Map.of(), ReplayScenario.FAST_WINDOWS, List.of(), ReplayEngine.newApplicationId(),
                n::addAndGet);
        assertEquals(s.batches.size(), n.get());
    }

    @Test
    void overridesAreValidatedByTheHotnessConfigDef() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ReplayOverrides.parse(List.of("windw.ms=5")));
        assertTrue(unknown.getMessage().contains("unknown hotness parameter 'windw.ms'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("window.ms"), "lists the known keys: " + unknown.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> ReplayOverrides.parse(List.of("application.id=prod")));
        assertTrue(reserved.getMessage().contains("not a what-if parameter"), reserved.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReplayOverrides.parse(List.of("window.ms")));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ReplayOverrides.config(
                Map.of(), ReplayOverrides.parse(List.of("rate.limit.mbps=-3")), "x", "/tmp/x"));
        assertTrue(bad.getMessage().contains("rate.limit.mbps"), bad.getMessage());
        assertEquals(Map.of("window.ms", "2000"), ReplayOverrides.parse(List.of("window.ms=5", "window.ms=2000")));
    }
}
