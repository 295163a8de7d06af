package io.thermocline.topics;

import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.dlq.DeadLetter;
import io.thermocline.avro.keys.DeadLetterKey;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.avro.telemetry.TierKind;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One realistic key/value pair per catalogue topic. */
final class SampleRecords {

    static final Instant T0 = Instant.parse("2026-11-26T06:00:00Z");

    record Pair(SpecificRecord key, SpecificRecord value) {
    }

    private SampleRecords() {
    }

    static Map<TopicSpec<?, ?>, Pair> all() {
        List<PageAccess> entries = new ArrayList<>();
        for (int i = 0; i < 512; i += 3) {
            entries.add(new PageAccess(0x40000L + i, i % 17 + 1));
        }
        return Map.of(
                Topics.PAGE_ACCESS, new Pair(new PfnBlockKey("host-a", 0x40000L >> 9),
                        PageAccessBatch.newBuilder().setHost("host-a").setSource(AccessSource.DAMON).setNode(1)
                                .setBlock(0x40000L >> 9).setWindowStartMs(T0).setWindowEndMs(T0.plusSeconds(1))
                                .setEpoch(7).setEntries(entries).build()),
                Topics.PAGE_OWNERS, new Pair(new PfnKey("host-a", 0x40003L),
                        PageOwner.newBuilder().setHost("host-a").setPfn(0x40003L).setGeneration(2).setPid(4242)
                                .setVaddr(0x7f00_0000_3000L).setCgroup("/sys/fs/cgroup/latency.slice").setComm("redis")
                                .setFolioOrder(0).setNode(1).setUpdatedMs(T0).build()),
                Topics.NODE_STATS, new Pair(new NodeKey("host-a", 1),
                        NodeStats.newBuilder().setHost("host-a").setNode(1).setTier(TierKind.CXL).setTierRank(1)
                                .setCpuless(true).setCapacityPages(1L << 20).setFreePages(12345).setLatencyNs(216)
                                .setBandwidthMBps(30000).setDistances(List.of(20, 10)).setTimestampMs(T0).build()),
                Topics.POLICY_PINS, new Pair(new PinKey("pin-1"),
                        PolicyPin.newBuilder().setPinId("pin-1").setHost("*")
                                .setSelector(PinSelector.newBuilder().setCgroup("/sys/fs/cgroup/latency.slice")
                                        .setVaStart(0x7f00_0000_0000L).setVaEnd(0x7f00_1000_0000L).build())
                                .setWantedTier(TierKind.DRAM).setReason("latency-critical").setCreatedMs(T0)
                                .setExpiresMs(T0.plusSeconds(3600)).build()),
                Topics.DECISIONS, new Pair(new HostKey("host-a"),
                        MigrationDecision.newBuilder().setDecisionId("host-a/7/40003").setHost("host-a").setPid(4242)
                                .setVaddr(0x7f00_0000_3000L).setPfn(0x40003L).setPfnGeneration(2).setFromNode(1)
                                .setToNode(0).setReason(DecisionReason.PROMOTE_HOT).setScore(12.5).setEpoch(7)
                                .setEvidenceMs(T0.plusSeconds(1)).setCreatedMs(T0.plusSeconds(2))
                                .setDeadlineMs(T0.plusSeconds(12)).build()),
                Topics.RESULTS, new Pair(new HostKey("host-a"),
                        MigrationResult.newBuilder().setDecisionId("host-a/7/40003").setHost("host-a").setPid(4242)
                                .setVaddr(0x7f00_0000_3000L).setOldPfn(0x40003L).setNewPfn(0x1234L).setFromNode(1)
                                .setToNode(0).setStatus(MigrationStatus.MOVED).setLatencyMicros(3)
                                .setEvidenceMs(T0.plusSeconds(1)).setCompletedMs(T0.plusSeconds(3)).build()),
                Topics.PFN_MOVES, new Pair(new HostKey("host-a"),
                        PfnMove.newBuilder().setHost("host-a").setOldPfn(0x40003L).setNewPfn(0x1234L).setPid(4242)
                                .setVaddr(0x7f00_0000_3000L).setOldNode(1).setNewNode(0).setCause(MoveCause.MIGRATOR)
                                .setDecisionId("host-a/7/40003").setTimeMs(T0.plusSeconds(3)).build()),
                Topics.DLQ, new Pair(new DeadLetterKey("tc.page-access", 3, 99L),
                        DeadLetter.newBuilder().setTopic("tc.page-access").setPartition(3).setOffset(99L)
                                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3})).setReason("BAD_MAGIC_BYTE")
                                .setApplication("thermocline-hotness").setFailedMs(T0).build()));
    }
}
