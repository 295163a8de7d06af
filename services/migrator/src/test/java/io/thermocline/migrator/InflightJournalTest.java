package io.thermocline.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.PfnMove;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InflightJournalTest {

    @TempDir
    Path dir;

    static MigrationDecision d(String id) {
        Instant t = Instant.ofEpochMilli(1);
        return new MigrationDecision(id, "h/1", 1, 4096L, 10L, 0L, 1, 0, 0, DecisionReason.PROMOTE_HOT, 0.0, -1L, t, t,
                t);
    }

    static DecisionExecutor executor() {
        return new DecisionExecutor("h/1", null, new PinTable("h/1"), new RateLimiter(0, 1, 0),
                new AppliedDecisions(10), Clock.systemUTC(), System::nanoTime, new SimpleMeterRegistry());
    }

    static DecisionExecutor.Outcome moved(String id, long newPfn) {
        Instant t = Instant.ofEpochMilli(1);
        MigrationResult r = new MigrationResult(id, "h/1", 1, 4096L, 10L, newPfn, 1, 0, MigrationStatus.MOVED, 0,
                null, 0L, t, t);
        return new DecisionExecutor.Outcome(d(id), r, new PfnMove("h/1", 10L, newPfn, 1, 4096L, 1, 0,
                MoveCause.MIGRATOR, id, t));
    }

    @Test
    void crashAfterMovesRecoversExactlyTheRecordedMoves() {
        InflightJournal j = new InflightJournal(dir, "h/1");
        j.begin(List.of(d("a"), d("b"), d("c")));
        DecisionExecutor.Outcome notMoved = new DecisionExecutor.Outcome(d("b"), moved("b", 0).result(), null);
        j.executed(List.of(moved("a", 77), notMoved));
        assertTrue(Files.exists(dir.resolve("h_1.inflight")), "host id is sanitised into a file name");
        DecisionExecutor e = executor();
        e.applied().add("c");
        Map<String, Long> rec = new InflightJournal(dir, "h/1").recover(e);
        assertEquals(Map.of("a", 77L), rec, "only recorded moves; handled ids skipped");
    }

    @Test
    void crashDuringMovesFallsBackToEveryBegunDecision() {
        InflightJournal j = new InflightJournal(dir, "h");
        j.begin(List.of(d("a"), d("b")));
        Map<String, Long> rec = new InflightJournal(dir, "h").recover(executor());
        assertEquals(Map.of("a", DecisionExecutor.UNKNOWN_FRAME, "b", DecisionExecutor.UNKNOWN_FRAME), rec);
        j.committed();
        assertFalse(Files.exists(dir.resolve("h.inflight")));
        assertTrue(new InflightJournal(dir, "h").recover(executor()).isEmpty());
    }
}
