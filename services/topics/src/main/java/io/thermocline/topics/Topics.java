package io.thermocline.topics;

import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.dlq.DeadLetter;
import io.thermocline.avro.keys.DeadLetterKey;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The topic catalogue: every Thermocline topic, once. Auto-create is off; {@link TopicAdmin} creates them. */
public final class Topics {

    public static final TopicSpec<PfnBlockKey, PageAccessBatch> PAGE_ACCESS = new TopicSpec<>(
            "tc.page-access", PfnBlockKey.class, PageAccessBatch.class, 6, false, Duration.ofDays(7),
            "Sampled page accesses, one record per (host, PFN block, window), partitioned by host (HostPartitioning) "
            + "with an end-of-window marker per host; retained for replay");

    public static final TopicSpec<PfnKey, PageOwner> PAGE_OWNERS = new TopicSpec<>(
            "tc.page-owners", PfnKey.class, PageOwner.class, 6, true, null,
            "Owner (pid, VA, cgroup) of each physical page; changes only; tombstone = frame freed");

    public static final TopicSpec<NodeKey, NodeStats> NODE_STATS = new TopicSpec<>(
            "tc.node-stats", NodeKey.class, NodeStats.class, 1, true, null,
            "Per-node tier, capacity and free pages");

    public static final TopicSpec<PinKey, PolicyPin> POLICY_PINS = new TopicSpec<>(
            "tc.policy-pins", PinKey.class, PolicyPin.class, 1, true, null,
            "User pins of pages to tiers or nodes; tombstone = unpin");

    public static final TopicSpec<HostKey, MigrationDecision> DECISIONS = new TopicSpec<>(
            "tc.decisions", HostKey.class, MigrationDecision.class, 6, false, Duration.ofDays(1),
            "Migration decisions, keyed by host so each host's migrator reads one partition in order");

    public static final TopicSpec<HostKey, MigrationResult> RESULTS = new TopicSpec<>(
            "tc.results", HostKey.class, MigrationResult.class, 6, false, Duration.ofDays(7),
            "What the migrators did with each decision");

    public static final TopicSpec<HostKey, PfnMove> PFN_MOVES = new TopicSpec<>(
            "tc.pfn-moves", HostKey.class, PfnMove.class, 6, false, Duration.ofDays(7),
            "Pages that changed physical frame (migrator or kernel); invalidates PFN-keyed state");

    public static final TopicSpec<DeadLetterKey, DeadLetter> DLQ = new TopicSpec<>(
            "tc.dlq", DeadLetterKey.class, DeadLetter.class, 1, false, Duration.ofDays(30),
            "Records that could not be deserialized or processed, with the reason");

    public static final List<TopicSpec<?, ?>> ALL = List.of(
            PAGE_ACCESS, PAGE_OWNERS, NODE_STATS, POLICY_PINS, DECISIONS, RESULTS, PFN_MOVES, DLQ);

    private Topics() {
    }

    public static Optional<TopicSpec<?, ?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
