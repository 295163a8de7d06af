package io.thermocline.hotness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.dlq.DeadLetter;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.topics.HostPartitioning;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Windows close per host: on the host's end-of-window marker, or when the host's own event time passes
 * end + grace - never because another host sharing the task is ahead (the cause of a lost host when two
 * samplers' batches interleave in one partition).
 */
class PerHostWindowsTest {

    private static final long CXL = 1L << 20;

    private static void host(Fixture f, String h) {
        f.node(h, 0, TierKind.DRAM, 0, 1000, 1000, 0, 10, 20);
        f.node(h, 1, TierKind.CXL, 1, 100_000, 90_000, 0, 20, 10);
        for (int i = 0; i < 20; i++) {
            f.owner(h, CXL + i, 7, 0x7f00_0000_0000L + i * 4096L, 1, 0);
        }
    }

    private static Map<Long, Integer> hot(int count) {
        Map<Long, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            m.put(CXL + i, count);
        }
        m.put(CXL + 19, 1);
        return m;
    }

    private static Set<String> promotedHosts(List<MigrationDecision> ds) {
        Set<String> out = new HashSet<>();
        for (MigrationDecision d : ds) {
            if (d.getReason() == DecisionReason.PROMOTE_HOT) {
                out.add(d.getHost().toString());
            }
        }
        return out;
    }

    @Test
    void theMarkerClosesTheHostsWindowAtOnce() throws Exception {
        try (Fixture f = new Fixture(Map.of(HotnessConfig.PROMOTE_MIN_HOT_WINDOWS, 1))) {
            host(f, "m");
            f.samples("m", 1, 0, hot(500));
            assertTrue(f.drainDecisions().isEmpty(), "window 0 is open until the marker");
            f.marker("m", 1);
            List<MigrationDecision> ds = f.drainDecisions();
            assertEquals(Set.of("m"), promotedHosts(ds), ds.toString());
            assertEquals(11, ds.size(), "every sampled page fits the empty DRAM, decided at the end of window 0");
            for (MigrationDecision d : ds) {
                assertEquals(Fixture.WINDOW, d.getCreatedMs().toEpochMilli());
            }
        }
    }

    @Test
    void aHostBehindItsPartitionMatesLosesNothing() throws Exception {
        try (Fixture f = new Fixture(Map.of(HotnessConfig.PROMOTE_MIN_HOT_WINDOWS, 1))) {
            host(f, "ahead");
            host(f, "behind");
            // "ahead" publishes windows 0..9 (closing each by its own event time) before "behind" publishes window 0
            for (int w = 0; w < 10; w++) {
                f.samples("ahead", 1, w, hot(500));
            }
            assertEquals(Set.of("ahead"), promotedHosts(f.drainDecisions()));
            f.samples("behind", 1, 0, hot(500));
            f.samples("behind", 1, 1, hot(500)); // its own event time passes the end of window 0
            List<MigrationDecision> ds = f.drainDecisions();
            assertEquals(Set.of("behind"), promotedHosts(ds), "the lagging host's window 0 was folded, not dropped");
            assertTrue(f.dlq.readValuesToList().isEmpty());
        }
    }

    @Test
    void aBatchForAClosedWindowOfItsHostIsDeadLettered() throws Exception {
        try (Fixture f = new Fixture(Map.of(), Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.AT_LEAST_ONCE))) {
            host(f, "late");
            f.samples("late", 1, 0, hot(5));
            f.marker("late", 3); // windows up to 3000 closed
            f.samples("late", 1, 1, hot(5));
            List<DeadLetter> dead = f.dlq.readValuesToList();
            assertEquals(1, dead.size(), dead.toString());
            assertTrue(dead.get(0).getReason().toString().contains("late batch"), dead.get(0).getReason().toString());
        }
    }

    @Test
    void aDeadLetteredBatchLosesNoneOfTheOpenWindowsCounts() throws Exception {
        // the failed batch makes stage 1 drop the decoded counts it keeps of open windows: window 1's counts must
        // then come back from the open-windows store at its close
        try (Fixture f = new Fixture(Map.of(HotnessConfig.PROMOTE_MIN_HOT_WINDOWS, 1), Map.of(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE))) {
            host(f, "keep");
            f.samples("keep", 1, 0, Map.of(CXL + 30, 1)); // a page without an owner: nothing to decide
            f.marker("keep", 1);
            assertTrue(f.drainDecisions().isEmpty());
            f.samples("keep", 1, 1, hot(500));
            f.samples("keep", 1, 0, Map.of(CXL + 30, 1)); // window 0 is closed: late, to the DLQ
            List<DeadLetter> dead = f.dlq.readValuesToList();
            assertEquals(1, dead.size(), dead.toString());
            assertTrue(dead.get(0).getReason().toString().contains("late batch"), dead.get(0).getReason().toString());
            f.marker("keep", 2);
            List<MigrationDecision> ds = f.drainDecisions();
            assertEquals(Set.of("keep"), promotedHosts(ds), ds.toString());
            assertEquals(11, ds.size(), "window 1's pages promoted as if nothing had failed: " + ds);
        }
    }

    @Test
    void aBatchInAnotherHostsPartitionIsDeadLettered() throws Exception {
        // the driver reads every topic as partition 0: with 2 partitions a host hashed to partition 1 is misplaced
        String misplaced = null;
        for (int i = 0; misplaced == null; i++) {
            if (HostPartitioning.partition("host-" + i, 2) == 1) {
                misplaced = "host-" + i;
            }
        }
        try (Fixture f = new Fixture(Map.of(HotnessConfig.PARTITIONS, 2), Map.of(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE))) {
            host(f, misplaced);
            f.samples(misplaced, 1, 0, hot(5));
            List<DeadLetter> dead = f.dlq.readValuesToList();
            assertEquals(1, dead.size(), dead.toString());
            assertTrue(dead.get(0).getReason().toString().contains("partitioned by host"),
                    dead.get(0).getReason().toString());
        }
    }
}
