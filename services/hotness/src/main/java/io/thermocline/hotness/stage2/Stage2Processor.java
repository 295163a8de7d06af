package io.thermocline.hotness.stage2;

import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.state.BlockSummary;
import io.thermocline.hotness.state.HostState;
import io.thermocline.hotness.state.HostView;
import io.thermocline.hotness.state.MoveNotice;
import io.thermocline.hotness.state.NodeUpdate;
import io.thermocline.hotness.state.Stage2Event;
import io.thermocline.hotness.state.StoreKeys;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2, keyed by host: keeps the newest summary of every block and the host's decision state;
 * once per window (stream-time punctuation) evaluates each host that changed and emits decisions.
 */
public final class Stage2Processor implements Processor<HostKey, Stage2Event, HostKey, MigrationDecision> {

    private static final Logger LOG = LoggerFactory.getLogger(Stage2Processor.class);
    private static final int STALE_BYTES = Integer.BYTES + Long.BYTES;

    private final HotnessConfig config;
    private final DecisionEngine engine;
    private ProcessorContext<HostKey, MigrationDecision> context;
    private KeyValueStore<Bytes, byte[]> summaries;
    private KeyValueStore<String, byte[]> hostStates;
    private KeyValueStore<String, byte[]> views;
    private KeyValueStore<Bytes, byte[]> stale;
    private final Set<String> dirty = new LinkedHashSet<>();

    public Stage2Processor(HotnessConfig config) {
        this.config = config;
        this.engine = new DecisionEngine(config);
    }

    @Override
    public void init(ProcessorContext<HostKey, MigrationDecision> context) {
        this.context = context;
        this.summaries = context.getStateStore(HotnessTopology.SUMMARY_STORE);
        this.hostStates = context.getStateStore(HotnessTopology.HOST_STATE_STORE);
        this.views = context.getStateStore(HotnessTopology.HOST_VIEW_STORE);
        this.stale = context.getStateStore(HotnessTopology.STALE_STORE);
        // Half-window cadence: in a deployment the fold and stage 2 share a task fed by the by-host topics, so
        // the punctuation after the record that closed a window sees all its summaries. In a single-task driver
        // (TopologyTestDriver) stream time moves with the raw input first; a settle heartbeat half a window
        // later then triggers the evaluation. Only hosts with new input are evaluated.
        context.schedule(Duration.ofMillis(Math.max(1, config.windowAdvanceMs() / 2)), PunctuationType.STREAM_TIME,
                this::evaluateAll);
    }

    @Override
    public void process(Record<HostKey, Stage2Event> record) {
        Stage2Event e = record.value();
        if (e instanceof BlockSummary s) {
            Bytes key = StoreKeys.hostLong(s.host(), s.block());
            if (s.pageCount() == 0 && s.pinned().isEmpty()) {
                summaries.delete(key);
            } else {
                summaries.put(key, s.toBytes());
            }
            dirty.add(s.host());
        } else if (e instanceof MoveNotice m) {
            stale.put(StoreKeys.hostLong(m.host(), m.oldPfn()), ByteBuffer.allocate(STALE_BYTES)
                    .putInt(m.oldGeneration()).putLong(m.timeMs() + config.moveTtlMs()).array());
            dirty.add(m.host());
        } else if (e instanceof NodeUpdate n) {
            dirty.add(n.host());
        }
    }

    private void evaluateAll(long timestamp) {
        List<String> hosts = new ArrayList<>(dirty);
        dirty.clear();
        for (String host : hosts) {
            evaluate(host, timestamp);
        }
    }

    /** Live moved-out frames of a host (pfn to stale generation); forgets those whose staleness window is over. */
    private Map<Long, Integer> staleFrames(String host, long nowMs) {
        Map<Long, Integer> live = new HashMap<>();
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = stale.prefixScan(StoreKeys.hostPrefix(host), new BytesSerializer())) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                ByteBuffer v = ByteBuffer.wrap(kv.value);
                if (v.getLong(Integer.BYTES) < nowMs) {
                    expired.add(kv.key);
                } else {
                    live.put(StoreKeys.longPart(kv.key), v.getInt(0));
                }
            }
        }
        expired.forEach(stale::delete);
        return live;
    }

    private void evaluate(String host, long nowMs) {
        HostState hs = HostState.fromBytes(hostStates.get(host));
        HostView view = HostView.fromBytes(views.get(host));
        List<BlockSummary> blocks = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = summaries.prefixScan(StoreKeys.hostPrefix(host),
                new BytesSerializer())) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                blocks.add(BlockSummary.fromBytes(kv.value));
            }
        }
        Map<Long, Integer> moved = staleFrames(host, nowMs);
        DecisionEngine.Result r = engine.evaluate(host, nowMs, view, hs,
                blocks, Pins.active(context, HotnessTopology.PINS_STORE, host, nowMs),
                pfn -> moved.getOrDefault(pfn, -1));
        hostStates.put(host, hs.toBytes());
        views.put(host, view.toBytes());
        HostKey key = new HostKey(host);
        for (MigrationDecision d : r.decisions()) {
            context.forward(new Record<>(key, d, nowMs));
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("host {} at {}: {} blocks, {} pages tracked, threshold {}, {} hot, {} decisions", host, nowMs,
                    blocks.size(), r.trackedPages(), r.thresholdHeat(), r.hotPages(), r.decisions().size());
        }
    }
}
