package io.thermocline.hotness.stage2;

import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.state.BlockSummary;
import io.thermocline.hotness.state.HostState;
import io.thermocline.hotness.state.HostView;
import io.thermocline.hotness.state.MoveNotice;
import io.thermocline.hotness.state.WindowClosed;
import io.thermocline.hotness.state.Stage2Event;
import io.thermocline.hotness.state.StoreKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.thermocline.metrics.ThermoclineMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2, keyed by host: keeps the newest summary of every block and the host's decision state;
 * evaluates a host and emits its decisions when stage 1 closes one of the host's windows (no task-wide
 * stream-time punctuation: one host's lag never delays or reorders another's decisions).
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
    /** Decoded summaries this processor holds at most (see {@link #summariesOf}). */
    static final int MAX_CACHED_SUMMARIES = 1 << 14;
    /** Host to its summaries by block, least recently evaluated host first. */
    private final LinkedHashMap<String, TreeMap<Long, BlockSummary>> hostSummaries = new LinkedHashMap<>(16, 0.75f,
            true);
    private long cachedSummaries;
    /** Registered once per reason, not looked up in the registry for every decision. */
    private final Map<DecisionReason, Counter> decisionCounters = new EnumMap<>(DecisionReason.class);

    /** Hot threshold per host for the {@code thermocline.hotness.hot.threshold} gauge (shared by the JVM's tasks). */
    private static final Map<String, Long> THRESHOLDS = new ConcurrentHashMap<>();

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
        hostSummaries.clear(); // a revived task starts from its restored stores
        cachedSummaries = 0;
    }

    @Override
    public void process(Record<HostKey, Stage2Event> record) {
        Stage2Event e = record.value();
        if (e instanceof BlockSummary s) {
            Bytes key = StoreKeys.hostLong(s.host(), s.block());
            TreeMap<Long, BlockSummary> cached = hostSummaries.get(s.host());
            if (s.pageCount() == 0 && s.pinned().isEmpty()) {
                summaries.delete(key);
                if (cached != null && cached.remove(s.block()) != null) {
                    cachedSummaries--;
                }
            } else {
                summaries.put(key, s.toBytes());
                if (cached != null && cached.put(s.block(), s) == null && ++cachedSummaries > MAX_CACHED_SUMMARIES) {
                    hostSummaries.remove(s.host()); // the host outgrew the cache: read from the store again
                    cachedSummaries -= cached.size();
                }
            }
        } else if (e instanceof MoveNotice m) {
            stale.put(StoreKeys.hostLong(m.host(), m.oldPfn()), ByteBuffer.allocate(STALE_BYTES)
                    .putInt(m.oldGeneration()).putLong(m.timeMs() + config.moveTtlMs()).array());
        } else if (e instanceof WindowClosed w) {
            evaluate(w.host(), w.endMs());
        }
        // NodeUpdate: the view is in the shared store; the host's next window close evaluates with it
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

    /**
     * The host's newest summary per block, in block order: decoded from the store at the host's first evaluation
     * since init, then kept up to date by {@link #process} (the only writer of the store), as long as the cache
     * holds fewer than {@value #MAX_CACHED_SUMMARIES} summaries (least recently evaluated hosts leave first).
     */
    private Collection<BlockSummary> summariesOf(String host) {
        TreeMap<Long, BlockSummary> cached = hostSummaries.get(host);
        if (cached != null) {
            return cached.values();
        }
        TreeMap<Long, BlockSummary> blocks = new TreeMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = summaries.prefixScan(StoreKeys.hostPrefix(host),
                new BytesSerializer())) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                blocks.put(StoreKeys.longPart(kv.key), BlockSummary.fromBytes(kv.value));
            }
        }
        if (blocks.size() <= MAX_CACHED_SUMMARIES) {
            hostSummaries.put(host, blocks);
            cachedSummaries += blocks.size();
            Iterator<TreeMap<Long, BlockSummary>> eldest = hostSummaries.values().iterator();
            while (cachedSummaries > MAX_CACHED_SUMMARIES && eldest.hasNext()) {
                TreeMap<Long, BlockSummary> gone = eldest.next();
                if (gone != blocks) {
                    cachedSummaries -= gone.size();
                    eldest.remove();
                }
            }
        }
        return blocks.values();
    }

    private void evaluate(String host, long nowMs) {
        HostState hs = HostState.fromBytes(hostStates.get(host));
        HostView view = HostView.fromBytes(views.get(host));
        Collection<BlockSummary> blocks = summariesOf(host);
        Map<Long, Integer> moved = staleFrames(host, nowMs);
        DecisionEngine.Result r = engine.evaluate(host, nowMs, view, hs,
                blocks, Pins.active(context, HotnessTopology.PINS_STORE, host, nowMs),
                pfn -> moved.getOrDefault(pfn, -1));
        hostStates.put(host, hs.toBytes());
        views.put(host, view.toBytes());
        HostKey key = new HostKey(host);
        for (MigrationDecision d : r.decisions()) {
            context.forward(new Record<>(key, d, nowMs));
            decisionCounters.computeIfAbsent(d.getReason(), reason -> ThermoclineMetrics.DECISIONS_METER.counter(
                    Metrics.globalRegistry, ThermoclineMetrics.TAG_REASON, reason.name())).increment();
        }
        if (THRESHOLDS.put(host, r.thresholdHeat()) == null) {
            Gauge.builder(ThermoclineMetrics.HOT_THRESHOLD, THRESHOLDS, m -> m.getOrDefault(host, 0L))
                    .description(ThermoclineMetrics.HOT_THRESHOLD_METER.description())
                    .tag(ThermoclineMetrics.TAG_TARGET_HOST, host).register(Metrics.globalRegistry);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("host {} at {}: {} blocks, {} pages tracked, threshold {}, {} hot, {} decisions", host, nowMs,
                    blocks.size(), r.trackedPages(), r.thresholdHeat(), r.hotPages(), r.decisions().size());
        }
    }
}
