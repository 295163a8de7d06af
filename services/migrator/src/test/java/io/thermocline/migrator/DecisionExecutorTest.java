package io.thermocline.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.TierKind;
import io.thermocline.metrics.ThermoclineMetrics;
import io.thermocline.migrator.emulator.EmulatorMigrationTarget;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The executor's checks and moves against a real emulated machine (node 0 DRAM, node 1 CXL). */
class DecisionExecutorTest {

    static final String HOST = "h1";
    static final int PID = 10;
    static final long VA = 0x7f00_0000_0000L;
    static final long NOW = 1_700_000_000_000L;

    Machine machine;
    EmulatorMigrationTarget target;
    PinTable pins;
    AtomicLong nanos;
    SimpleMeterRegistry meters;
    DecisionExecutor exec;

    @BeforeEach
    void setUp() {
        machine = new Machine(HOST, List.of(new NodeSpec(0, TierKind.DRAM, 64, 90, 38.4),
                new NodeSpec(1, TierKind.CXL, 256, 216, 25)), CostModel.defaults());
        machine.addProcess(PID, "app", VA, 128, false);
        for (int i = 0; i < 128; i++) {
            machine.access(PID, va(i));     // first touch: 64 pages on node 0, the rest on node 1
        }
        target = new EmulatorMigrationTarget(machine, machine);
        pins = new PinTable(HOST);
        nanos = new AtomicLong();
        meters = new SimpleMeterRegistry();
        exec = executor(0);
    }

    DecisionExecutor executor(long bytesPerSec) {
        return new DecisionExecutor(HOST, target, pins, new RateLimiter(bytesPerSec, 4 * 4096, 0),
                new AppliedDecisions(1000), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), nanos::get,
                meters);
    }

    static long va(int page) {
        return VA + page * 4096L;
    }

    MigrationDecision promote(String id, int page) {
        return decision(id, page, target.resolve(PID, va(page)), 0);
    }

    MigrationDecision decision(String id, int page, long pfn, int toNode) {
        return MigrationDecision.newBuilder().setDecisionId(id).setHost(HOST).setPid(PID).setVaddr(va(page))
                .setPfn(pfn).setFromNode(target.nodeOfPfn(pfn)).setToNode(toNode)
                .setReason(DecisionReason.PROMOTE_HOT).setCreatedMs(Instant.ofEpochMilli(NOW - 10))
                .setDeadlineMs(Instant.ofEpochMilli(NOW + 1000)).build();
    }

    @Test
    void movesPageChangesPfnAndReportsPfnMove() {
        // free room on node 0 first (it is full after first touch)
        DecisionExecutor.Outcome demote = exec.execute(List.of(decision("d0", 0, target.resolve(PID, va(0)), 1)))
                .get(0);
        assertEquals(MigrationStatus.MOVED, demote.status());
        long old = target.resolve(PID, va(100));
        assertEquals(1, target.nodeOfPfn(old));
        DecisionExecutor.Outcome o = exec.execute(List.of(promote("p100", 100))).get(0);
        assertEquals(MigrationStatus.MOVED, o.status());
        long now = target.resolve(PID, va(100));
        assertNotEquals(old, now);
        assertEquals(0, target.nodeOfPfn(now));
        assertEquals(now, o.result().getNewPfn());
        assertEquals(old, o.move().getOldPfn());
        assertEquals(now, o.move().getNewPfn());
        assertEquals(MoveCause.MIGRATOR, o.move().getCause());
        assertEquals("p100", o.move().getDecisionId());
        assertEquals(2.0, meters.get(ThermoclineMetrics.RESULTS).tag(ThermoclineMetrics.TAG_STATUS, "MOVED")
                .counter().count());
    }

    @Test
    void stalePfnIsRefusedAndNothingMoves() {
        MigrationDecision d = decision("s1", 100, target.resolve(PID, va(100)) + 1, 0);
        DecisionExecutor.Outcome o = exec.execute(List.of(d)).get(0);
        assertEquals(MigrationStatus.STALE_PFN, o.status());
        assertNull(o.move());
        assertNull(o.result().getNewPfn());
    }

    @Test
    void redeliveredDecisionIsDuplicateAndNeverMovesTwice() {
        exec.execute(List.of(decision("d0", 0, target.resolve(PID, va(0)), 1)));
        MigrationDecision d = promote("p100", 100);
        assertEquals(MigrationStatus.MOVED, exec.execute(List.of(d)).get(0).status());
        long after = target.resolve(PID, va(100));
        // the same decision again, and twice in one batch
        List<DecisionExecutor.Outcome> again = exec.execute(List.of(d, d));
        assertEquals(MigrationStatus.DUPLICATE, again.get(0).status());
        assertEquals(MigrationStatus.DUPLICATE, again.get(1).status());
        assertEquals(after, target.resolve(PID, va(100)));
        assertEquals(2.0, meters.get(ThermoclineMetrics.DUPLICATE_DECISIONS).counter().count());
    }

    @Test
    void duplicateWithinOneBatchExecutesOnce() {
        exec.execute(List.of(decision("d0", 0, target.resolve(PID, va(0)), 1),
                decision("d1", 1, target.resolve(PID, va(1)), 1)));
        MigrationDecision d = promote("p100", 100);
        List<DecisionExecutor.Outcome> out = exec.execute(List.of(d, d));
        assertEquals(MigrationStatus.MOVED, out.get(0).status());
        assertEquals(MigrationStatus.DUPLICATE, out.get(1).status());
    }

    @Test
    void expiredDecisionIsRefused() {
        MigrationDecision d = promote("e1", 100);
        d.setDeadlineMs(Instant.ofEpochMilli(NOW - 1));
        long before = target.resolve(PID, va(100));
        assertEquals(MigrationStatus.EXPIRED, exec.execute(List.of(d)).get(0).status());
        assertEquals(before, target.resolve(PID, va(100)));
    }

    @Test
    void pinForbidsOtherNodesButAllowsTheWantedOne() {
        pins.apply("pin", PolicyPin.newBuilder().setPinId("pin").setHost("*")
                .setSelector(PinSelector.newBuilder().setPid(PID).setVaStart(va(100)).setVaEnd(va(110)).build())
                .setWantedTier(io.thermocline.avro.telemetry.TierKind.CXL).setCreatedMs(Instant.ofEpochMilli(0))
                .build());
        exec.execute(List.of(decision("d0", 0, target.resolve(PID, va(0)), 1)));
        long before = target.resolve(PID, va(105));
        DecisionExecutor.Outcome o = exec.execute(List.of(promote("p105", 105))).get(0);
        assertEquals(MigrationStatus.PINNED, o.status());
        assertTrue(o.result().getDetail().contains("pin"));
        assertEquals(before, target.resolve(PID, va(105)));
        // outside the pinned range: moves
        assertEquals(MigrationStatus.MOVED, exec.execute(List.of(promote("p111", 111))).get(0).status());
        // page 2 lives on node 0; a pin wanting node 1 allows moving it there (ENFORCE_PIN)
        pins.apply("pin2", PolicyPin.newBuilder().setPinId("pin2").setHost(HOST)
                .setSelector(PinSelector.newBuilder().setComm("app").setVaStart(va(2)).setVaEnd(va(3)).build())
                .setWantedNode(1).setCreatedMs(Instant.ofEpochMilli(0)).build());
        assertEquals(MigrationStatus.MOVED,
                exec.execute(List.of(decision("enf", 2, target.resolve(PID, va(2)), 1))).get(0).status());
        // a tombstone removes the pin
        pins.apply("pin", null);
        assertEquals(MigrationStatus.MOVED, exec.execute(List.of(promote("p106", 106))).get(0).status(),
                "the pin is gone: page 106 moves into the frame page 2 left");
    }

    @Test
    void expiredPinAndOtherHostPinDoNotApply() {
        pins.apply("old", PolicyPin.newBuilder().setPinId("old").setHost(HOST)
                .setSelector(PinSelector.newBuilder().setPid(PID).build()).setWantedNode(1)
                .setCreatedMs(Instant.ofEpochMilli(0)).setExpiresMs(Instant.ofEpochMilli(NOW - 1)).build());
        pins.apply("other", PolicyPin.newBuilder().setPinId("other").setHost("h2")
                .setSelector(PinSelector.newBuilder().setPid(PID).build()).setWantedNode(1)
                .setCreatedMs(Instant.ofEpochMilli(0)).build());
        exec.execute(List.of(decision("d0", 0, target.resolve(PID, va(0)), 1)));
        assertEquals(MigrationStatus.MOVED, exec.execute(List.of(promote("p100", 100))).get(0).status());
    }

    @Test
    void rateLimitRefusesBeyondBudgetAndRefillsOverTime() {
        DecisionExecutor limited = executor(4096);     // 1 page/s, burst 4 pages
        List<MigrationDecision> demotes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            demotes.add(decision("d" + i, i, target.resolve(PID, va(i)), 1));
        }
        List<DecisionExecutor.Outcome> out = limited.execute(demotes);
        assertEquals(4, out.stream().filter(o -> o.status() == MigrationStatus.MOVED).count());
        assertEquals(MigrationStatus.RATE_LIMITED, out.get(4).status());
        assertEquals(MigrationStatus.RATE_LIMITED, out.get(5).status());
        nanos.addAndGet(2_000_000_000L);     // two seconds: two more pages
        List<MigrationDecision> more = new ArrayList<>();
        for (int i = 6; i < 9; i++) {
            more.add(decision("d" + i, i, target.resolve(PID, va(i)), 1));
        }
        List<DecisionExecutor.Outcome> out2 = limited.execute(more);
        assertEquals(List.of(MigrationStatus.MOVED, MigrationStatus.MOVED, MigrationStatus.RATE_LIMITED),
                out2.stream().map(DecisionExecutor.Outcome::status).toList());
    }

    @Test
    void failedMoveRefundsBudgetAndReportsCapacity() {
        // node 0 full: promotion fails NO_CAPACITY with errno, no PfnMove
        DecisionExecutor.Outcome o = exec.execute(List.of(promote("p100", 100))).get(0);
        assertEquals(MigrationStatus.NO_CAPACITY, o.status());
        assertEquals(-12, o.result().getErrno());
        assertNull(o.move());
    }

    @Test
    void otherHostNoProcessAndSameNodeAreRefused() {
        MigrationDecision other = promote("x", 100);
        other.setHost("h2");
        assertEquals(MigrationStatus.FAILED, exec.execute(List.of(other)).get(0).status());
        MigrationDecision gone = promote("g", 100);
        gone.setPid(999);
        assertEquals(MigrationStatus.NOT_PRESENT, exec.execute(List.of(gone)).get(0).status());
        DecisionExecutor.Outcome same = exec.execute(List.of(decision("s", 100, target.resolve(PID, va(100)), 1)))
                .get(0);
        assertEquals(MigrationStatus.FAILED, same.status());
        assertTrue(same.result().getDetail().contains("already on node"));
        MigrationDecision noNode = promote("n", 100);
        noNode.setToNode(7);
        assertEquals(MigrationStatus.FAILED, exec.execute(List.of(noNode)).get(0).status());
    }

    @Test
    void recoveredInflightDecisionWhoseMoveHappenedIsReportedMoved() {
        exec.execute(List.of(decision("d0", 0, target.resolve(PID, va(0)), 1)));
        MigrationDecision d = promote("p100", 100);
        long old = d.getPfn();
        // a previous instance moved the page, then died before committing
        machine.movePage(PID, va(100), 0, io.thermocline.emulator.MoveCause.MIGRATOR);
        DecisionExecutor fresh = executor(0);
        fresh.recoverInflight(java.util.Map.of("p100", DecisionExecutor.UNKNOWN_FRAME));
        DecisionExecutor.Outcome o = fresh.execute(List.of(d)).get(0);
        assertEquals(MigrationStatus.MOVED, o.status());
        assertNotNull(o.move());
        assertEquals(old, o.move().getOldPfn());
        assertEquals(target.resolve(PID, va(100)), o.move().getNewPfn());
        // a journal that recorded a different frame: someone else moved the page since, so it is stale
        DecisionExecutor exact = executor(0);
        exact.recoverInflight(java.util.Map.of("p100b", target.resolve(PID, va(100)) + 1));
        MigrationDecision d2 = decision("p100b", 100, old, 0);
        assertEquals(MigrationStatus.STALE_PFN, exact.execute(List.of(d2)).get(0).status());
        // without the journal the same situation is STALE_PFN
        assertEquals(MigrationStatus.STALE_PFN, executor(0).execute(List.of(promote("x", 100)).stream()
                .map(x -> decision("y", 100, old, 0)).toList()).get(0).status());
    }
}
