package io.thermocline.cli.replay;

import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The retained records a replay works on, in the order they were read (per topic). Filled by
 * {@link RetainedReader} from the broker or directly by tests; the replay core needs nothing else.
 */
public final class ReplayInput {

    /** A tc.page-owners record; {@code value == null} is a tombstone (frame freed) stamped {@code timestampMs}. */
    public record OwnerRecord(PfnKey key, PageOwner value, long timestampMs) {
    }

    /** A tc.policy-pins record; {@code value == null} is a tombstone (unpin). */
    public record PinRecord(PinKey key, PolicyPin value) {
    }

    final List<PageAccessBatch> batches = new ArrayList<>();
    final List<OwnerRecord> owners = new ArrayList<>();
    final List<NodeStats> nodeStats = new ArrayList<>();
    final List<PinRecord> pins = new ArrayList<>();
    final List<PfnMove> moves = new ArrayList<>();
    final List<MigrationResult> results = new ArrayList<>();

    public ReplayInput batch(PageAccessBatch b) {
        batches.add(b);
        return this;
    }

    public ReplayInput owner(PfnKey key, PageOwner value, long timestampMs) {
        owners.add(new OwnerRecord(key, value, timestampMs));
        return this;
    }

    public ReplayInput owner(PageOwner value) {
        return owner(new PfnKey(value.getHost(), value.getPfn()), value, value.getUpdatedMs().toEpochMilli());
    }

    public ReplayInput nodeStats(NodeStats s) {
        nodeStats.add(s);
        return this;
    }

    public ReplayInput pin(PinKey key, PolicyPin value) {
        pins.add(new PinRecord(key, value));
        return this;
    }

    public ReplayInput move(PfnMove m) {
        moves.add(m);
        return this;
    }

    public ReplayInput result(MigrationResult r) {
        results.add(r);
        return this;
    }

    /** Hosts that have sampled accesses, sorted. */
    public List<String> hosts() {
        TreeSet<String> h = new TreeSet<>();
        for (PageAccessBatch b : batches) {
            h.add(b.getHost());
        }
        return List.copyOf(h);
    }

    public int batchCount() {
        return batches.size();
    }

    /** Records of every topic. */
    public long recordCount() {
        return (long) batches.size() + owners.size() + nodeStats.size() + pins.size() + moves.size() + results.size();
    }
}
