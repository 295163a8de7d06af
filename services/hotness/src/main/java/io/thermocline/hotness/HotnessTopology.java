package io.thermocline.hotness;

import io.thermocline.avro.decision.MigrationDecision;
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
import io.thermocline.hotness.errors.Validators;
import io.thermocline.hotness.ingest.PageAccessBatchReader;
import io.thermocline.hotness.stage1.AccessWindowProcessor;
import io.thermocline.hotness.stage1.MoveProcessor;
import io.thermocline.hotness.stage1.NodeStatsProcessor;
import io.thermocline.hotness.stage1.OwnerProcessor;
import io.thermocline.hotness.stage2.Stage2Processor;
import io.thermocline.hotness.state.Stage2Event;
import io.thermocline.serde.AvroSerde;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.Topics;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The hotness topology (pure builder). Every input reaches the task that holds its host: tc.page-access is
 * partitioned by host by the samplers (or repartitioned, {@code access.repartition=true}), the other inputs
 * are repartitioned by host; within a host's task:
 * <pre>
 * tc.page-access -validate-> stage-1 windows (RocksDB, a value per block holding its open windows; closed
 *                            per host on its marker or its event time) -> fold (decayed heat, RocksDB, 6 B/page) --summaries, closed--+
 * tc.page-owners -validate-> by-host -> stage-1 owners (owner store, dirty blocks) -------------------+
 * tc.pfn-moves   -validate-> by-host -> stage-1 moves (tombstone old PFN, carry heat, gen+1) --------+--> stage 2
 * tc.node-stats  -validate-> by-host -> host node view ----------------------------------------------+    |
 * tc.policy-pins -> global pins store (read by both stages)                                               v
 *                                                                                                    tc.decisions
 * </pre>
 */
public final class HotnessTopology {

    // sources, validation, repartitions
    public static final String SRC_ACCESS = "src-page-access";
    public static final String SRC_OWNERS = "src-page-owners";
    public static final String SRC_MOVES = "src-pfn-moves";
    public static final String SRC_NODES = "src-node-stats";
    public static final String SRC_PINS = "src-policy-pins";
    public static final String VALIDATE_ACCESS = "validate-page-access";
    public static final String VALIDATE_OWNERS = "validate-page-owners";
    public static final String VALIDATE_MOVES = "validate-pfn-moves";
    public static final String VALIDATE_NODES = "validate-node-stats";
    public static final String REPART_ACCESS = "page-access-by-host";
    public static final String REPART_OWNERS = "page-owners-by-host";
    public static final String REPART_MOVES = "pfn-moves-by-host";
    public static final String REPART_NODES = "node-stats-by-host";
    // stage 1
    public static final String OPEN_WINDOWS_STORE = "stage1-open-windows-store";
    public static final String HOST_CLOCK_STORE = "stage1-host-clock-store";
    public static final String DIRTY_STORE = "stage1-dirty-blocks-store";
    public static final String FOLD = "stage1-window-fold";
    public static final String OWNERS = "stage1-owners";
    public static final String MOVES = "stage1-moves";
    public static final String NODES = "stage1-node-view";
    public static final String MERGE_1 = "stage2-merge-moves";
    public static final String MERGE_2 = "stage2-merge-owners";
    public static final String MERGE_3 = "stage2-merge-nodes";
    public static final String HEAT_STORE = "stage1-heat-store";
    public static final String OWNER_STORE = "stage1-owner-store";
    public static final String HOST_VIEW_STORE = "host-view-store";
    public static final String PINS_STORE = "policy-pins-store";
    // stage 2
    public static final String DECIDE = "stage2-decide";
    public static final String SUMMARY_STORE = "stage2-summary-store";
    public static final String HOST_STATE_STORE = "stage2-host-state-store";
    public static final String STALE_STORE = "stage2-stale-frames-store";
    public static final String SINK_DECISIONS = "sink-decisions";

    private HotnessTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder, HotnessConfig config, SerdeFactory serdes) {
        int partitions = config.partitions();
        int shift = config.blockShift();

        Serde<PfnBlockKey> blockKey = Topics.PAGE_ACCESS.keySerde(serdes);
        Serde<PageAccessBatch> batch = Topics.PAGE_ACCESS.valueSerde(serdes);
        if (batch instanceof AvroSerde<PageAccessBatch> avro && PageAccessBatchReader.matches(PageAccessBatch.getClassSchema())) {
            // the hot topic: entries decoded into primitive arrays instead of one object each
            avro.withExactSchemaReader(PageAccessBatchReader::new);
        }
        Serde<PfnKey> pfnKey = Topics.PAGE_OWNERS.keySerde(serdes);
        Serde<PageOwner> owner = Topics.PAGE_OWNERS.valueSerde(serdes);
        Serde<HostKey> hostKey = Topics.PFN_MOVES.keySerde(serdes);
        Serde<PfnMove> move = Topics.PFN_MOVES.valueSerde(serdes);
        Serde<NodeKey> nodeKey = Topics.NODE_STATS.keySerde(serdes);
        Serde<NodeStats> nodeStats = Topics.NODE_STATS.valueSerde(serdes);
        Serde<PinKey> pinKey = Topics.POLICY_PINS.keySerde(serdes);
        Serde<PolicyPin> pin = Topics.POLICY_PINS.valueSerde(serdes);
        Serde<MigrationDecision> decision = Topics.DECISIONS.valueSerde(serdes);

        boolean mem = config.inMemoryStores();
        builder.addStateStore(kv(HEAT_STORE, Serdes.Bytes(), mem));
        // not through the record cache: stage 1 keeps the owners it read in its own cache, and owner entries read
        // into the shared record cache crowded out the window and heat entries, whose early eviction then wrote
        // them to RocksDB and their changelogs (bench --owners: heat changelog 223 MB vs 16 MB without owners)
        builder.addStateStore(kv(OWNER_STORE, Serdes.Bytes(), mem).withCachingDisabled());
        builder.addStateStore(kv(HOST_VIEW_STORE, Serdes.String(), mem));
        builder.addStateStore(kv(HOST_CLOCK_STORE, Serdes.String(), mem));
        builder.addStateStore(kv(DIRTY_STORE, Serdes.Bytes(), mem));
        // one value per (host, block) holding its open windows: the cache folds a block's rewrites between commits
        builder.addStateStore(kv(OPEN_WINDOWS_STORE, Serdes.Bytes(), mem));
        builder.addStateStore(kv(SUMMARY_STORE, Serdes.Bytes(), mem));
        builder.addStateStore(kv(HOST_STATE_STORE, Serdes.String(), mem));
        builder.addStateStore(kv(STALE_STORE, Serdes.Bytes(), mem));
        Materialized.StoreType storeType = mem ? Materialized.StoreType.IN_MEMORY : Materialized.StoreType.ROCKS_DB;

        builder.globalTable(Topics.POLICY_PINS.name(), Consumed.with(pinKey, pin).withName(SRC_PINS),
                Materialized.<PinKey, PolicyPin, KeyValueStore<Bytes, byte[]>>as(PINS_STORE)
                        .withKeySerde(pinKey).withValueSerde(pin).withStoreType(storeType));

        // stage 1: samples
        KStream<PfnBlockKey, PageAccessBatch> access = builder
                .stream(Topics.PAGE_ACCESS.name(), Consumed.with(blockKey, batch).withName(SRC_ACCESS)
                        .withTimestampExtractor(extractor(PageAccessBatch.class, b -> b.getWindowStartMs().toEpochMilli())))
                .peek((k, v) -> Validators.batch(k, v, shift), Named.as(VALIDATE_ACCESS));
        if (config.accessRepartition()) {
            access = access.repartition(Repartitioned.<PfnBlockKey, PageAccessBatch>as(REPART_ACCESS)
                    .withKeySerde(blockKey).withValueSerde(batch).withNumberOfPartitions(partitions)
                    .withStreamPartitioner(HostPartitioner.of(PfnBlockKey::getHost)));
        }
        KStream<HostKey, Stage2Event> summaries = access.process(() -> new AccessWindowProcessor(config),
                Named.as(FOLD), OPEN_WINDOWS_STORE, HOST_CLOCK_STORE, DIRTY_STORE, HEAT_STORE, OWNER_STORE, HOST_VIEW_STORE);

        // stage 1: owners (join), moves (PFN generations), node stats
        KStream<HostKey, Stage2Event> owners = builder
                .stream(Topics.PAGE_OWNERS.name(), Consumed.with(pfnKey, owner).withName(SRC_OWNERS)
                        .withTimestampExtractor(extractor(PageOwner.class, o -> o.getUpdatedMs().toEpochMilli())))
                .peek(Validators::owner, Named.as(VALIDATE_OWNERS))
                .repartition(Repartitioned.<PfnKey, PageOwner>as(REPART_OWNERS).withKeySerde(pfnKey)
                        .withValueSerde(owner).withNumberOfPartitions(partitions)
                        .withStreamPartitioner(HostPartitioner.of(PfnKey::getHost)))
                .process(() -> new OwnerProcessor(config), Named.as(OWNERS), HEAT_STORE, OWNER_STORE, HOST_VIEW_STORE,
                        DIRTY_STORE);
        KStream<HostKey, Stage2Event> moves = builder
                .stream(Topics.PFN_MOVES.name(), Consumed.with(hostKey, move).withName(SRC_MOVES)
                        .withTimestampExtractor(extractor(PfnMove.class, m -> m.getTimeMs().toEpochMilli())))
                .peek((k, v) -> Validators.move(v), Named.as(VALIDATE_MOVES))
                .repartition(Repartitioned.<HostKey, PfnMove>as(REPART_MOVES).withKeySerde(hostKey)
                        .withValueSerde(move).withNumberOfPartitions(partitions)
                        .withStreamPartitioner(HostPartitioner.of(HostKey::getHost)))
                .process(() -> new MoveProcessor(config), Named.as(MOVES), HEAT_STORE, OWNER_STORE, HOST_VIEW_STORE,
                        DIRTY_STORE);
        KStream<HostKey, Stage2Event> nodes = builder
                .stream(Topics.NODE_STATS.name(), Consumed.with(nodeKey, nodeStats).withName(SRC_NODES)
                        .withTimestampExtractor(extractor(NodeStats.class, s -> s.getTimestampMs().toEpochMilli())))
                .peek(Validators::nodeStats, Named.as(VALIDATE_NODES))
                .repartition(Repartitioned.<NodeKey, NodeStats>as(REPART_NODES).withKeySerde(nodeKey)
                        .withValueSerde(nodeStats).withNumberOfPartitions(partitions)
                        .withStreamPartitioner(HostPartitioner.of(NodeKey::getHost)))
                .process(NodeStatsProcessor::new, Named.as(NODES), HOST_VIEW_STORE);

        // stage 2: per host (same task: everything above is partitioned by host)
        summaries.merge(moves, Named.as(MERGE_1)).merge(owners, Named.as(MERGE_2)).merge(nodes, Named.as(MERGE_3))
                .process(() -> new Stage2Processor(config), Named.as(DECIDE), SUMMARY_STORE, HOST_STATE_STORE,
                        HOST_VIEW_STORE, STALE_STORE)
                .to(Topics.DECISIONS.name(), Produced.with(hostKey, decision).withName(SINK_DECISIONS));
        return builder;
    }

    /** A logged key-value store; cached, so a key written many times between commits is flushed once. */
    private static <K> StoreBuilder<KeyValueStore<K, byte[]>> kv(String name, Serde<K> keySerde, boolean inMemory) {
        return Stores.keyValueStoreBuilder(inMemory ? Stores.inMemoryKeyValueStore(name)
                : Stores.persistentKeyValueStore(name), keySerde, Serdes.ByteArray()).withCachingEnabled();
    }

    /** Event time from a field of the value; the record's own timestamp for tombstones and foreign values. */
    private static <V> TimestampExtractor extractor(Class<V> type, ToLongFunction<V> field) {
        return (record, partitionTime) -> {
            Object v = record.value();
            if (type.isInstance(v)) {
                long t = field.applyAsLong(type.cast(v));
                if (t >= 0) {
                    return t;
                }
            }
            return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
        };
    }
}
