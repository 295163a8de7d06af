package io.thermocline.hotness;

import io.thermocline.avro.decision.MigrationDecision;
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
import io.thermocline.hotness.state.HostState;
import io.thermocline.registry.InMemorySchemaRegistryClient;
import io.thermocline.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The real topology in a TopologyTestDriver with the real Avro wire-format serdes on an in-memory registry. */
final class Fixture implements AutoCloseable {

    static final long WINDOW = 1000;
    static final int SHIFT = 9;

    final HotnessConfig config;
    final TopologyTestDriver driver;
    final RegistrySerdes serdes;
    final String scope = "fixture-" + UUID.randomUUID();
    final TestInputTopic<PfnBlockKey, PageAccessBatch> access;
    final TestInputTopic<PfnKey, PageOwner> owners;
    final TestInputTopic<HostKey, PfnMove> moves;
    final TestInputTopic<NodeKey, NodeStats> nodes;
    final TestInputTopic<PinKey, PolicyPin> pins;
    final TestInputTopic<byte[], byte[]> rawAccess;
    final TestOutputTopic<HostKey, MigrationDecision> decisions;
    final TestOutputTopic<DeadLetterKey, DeadLetter> dlq;
    final Path stateDir;
    private final java.util.Set<String> hosts = new java.util.LinkedHashSet<>();

    Fixture(Map<String, Object> overrides) throws Exception {
        this(overrides, Map.of());
    }

    Fixture(Map<String, Object> overrides, Map<String, Object> streamsOverrides) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(HotnessConfig.WINDOW_MS, WINDOW);
        props.put(HotnessConfig.WINDOW_GRACE_MS, 0L);
        props.put(HotnessConfig.PARTITIONS, 1);
        props.put(HotnessConfig.CANDIDATES_PER_BLOCK, 512);
        props.put(HotnessConfig.HTTP_PORT, 0);
        stateDir = Files.createTempDirectory("hotness-ttd");
        props.put(HotnessConfig.STATE_DIR, stateDir.toString());
        props.putAll(overrides);
        config = new HotnessConfig(props);
        serdes = RegistrySerdes.inMemory(scope);
        StreamsBuilder b = HotnessTopology.build(new StreamsBuilder(), config, serdes);
        Properties p = StreamsProperties.of(config, serdes);
        p.putAll(streamsOverrides);
        driver = new TopologyTestDriver(b.build(), p, Instant.ofEpochMilli(0));
        access = in(Topics.PAGE_ACCESS);
        owners = in(Topics.PAGE_OWNERS);
        moves = in(Topics.PFN_MOVES);
        nodes = in(Topics.NODE_STATS);
        pins = in(Topics.POLICY_PINS);
        rawAccess = driver.createInputTopic(Topics.PAGE_ACCESS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        decisions = driver.createOutputTopic(Topics.DECISIONS.name(), Topics.DECISIONS.keySerde(serdes).deserializer(),
                Topics.DECISIONS.valueSerde(serdes).deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ.name(), Topics.DLQ.keySerde(serdes).deserializer(),
                Topics.DLQ.valueSerde(serdes).deserializer());
    }

    private <K extends org.apache.avro.specific.SpecificRecord, V extends org.apache.avro.specific.SpecificRecord>
            TestInputTopic<K, V> in(io.thermocline.topics.TopicSpec<K, V> spec) {
        return driver.createInputTopic(spec.name(), spec.keySerde(serdes).serializer(), spec.valueSerde(serdes).serializer());
    }

    // ---- inputs ----

    void node(String host, int node, TierKind tier, int rank, long capacity, long free, long t, int... distances) {
        hosts.add(host);
        List<Integer> d = new ArrayList<>();
        for (int x : distances) {
            d.add(x);
        }
        nodes.pipeInput(new NodeKey(host, node), NodeStats.newBuilder().setHost(host).setNode(node).setTier(tier)
                .setTierRank(rank).setCpuless(rank > 0).setCapacityPages(capacity).setFreePages(free)
                .setDistances(d).setTimestampMs(Instant.ofEpochMilli(t)).build(), t);
    }

    void owner(String host, long pfn, int pid, long vaddr, int node, long t) {
        owner(host, pfn, pid, vaddr, node, null, null, t);
    }

    void owner(String host, long pfn, int pid, long vaddr, int node, String cgroup, String comm, long t) {
        hosts.add(host);
        owners.pipeInput(new PfnKey(host, pfn), PageOwner.newBuilder().setHost(host).setPfn(pfn).setPid(pid)
                .setVaddr(vaddr).setNode(node).setCgroup(cgroup).setComm(comm)
                .setUpdatedMs(Instant.ofEpochMilli(t)).build(), t);
    }

    /** One batch per block of the given pfn->count map, stamped at the start of window w. */
    void samples(String host, int node, long window, Map<Long, Integer> counts) {
        hosts.add(host);
        Map<Long, List<PageAccess>> byBlock = new java.util.TreeMap<>();
        counts.forEach((pfn, c) -> byBlock.computeIfAbsent(pfn >> SHIFT, k -> new ArrayList<>())
                .add(new PageAccess(pfn, c)));
        long t = window * WINDOW;
        byBlock.forEach((block, entries) -> access.pipeInput(new PfnBlockKey(host, block),
                batch(host, node, block, t, entries), t));
    }

    static PageAccessBatch batch(String host, int node, long block, long t, List<PageAccess> entries) {
        return PageAccessBatch.newBuilder().setHost(host).setSource(AccessSource.EMULATOR).setNode(node)
                .setBlock(block).setBlockShift(SHIFT).setWindowStartMs(Instant.ofEpochMilli(t))
                .setWindowEndMs(Instant.ofEpochMilli(t + WINDOW)).setEpoch(t / WINDOW).setEntries(entries).build();
    }

    /** Every host's end-of-window marker for window w-1 (closes it; stage 2 evaluates the host). */
    void tick(long window) {
        for (String host : hosts) {
            marker(host, window);
        }
    }

    /** The host's sampler marker: everything up to the start of window w is published. */
    void marker(String host, long window) {
        long t = (window - 1) * WINDOW;
        PageAccessBatch m = batch(host, -1, 0, t, List.of());
        m.setWindowComplete(true);
        access.pipeInput(new PfnBlockKey(host, 0L), m, t);
    }

    void move(String host, long oldPfn, long newPfn, int pid, long vaddr, int oldNode, int newNode, long t) {
        moves.pipeInput(new HostKey(host), PfnMove.newBuilder().setHost(host).setOldPfn(oldPfn).setNewPfn(newPfn)
                .setPid(pid).setVaddr(vaddr).setOldNode(oldNode).setNewNode(newNode).setCause(MoveCause.KERNEL)
                .setTimeMs(Instant.ofEpochMilli(t)).build(), t);
    }

    void pin(String id, String host, PinSelector selector, TierKind tier, Integer node) {
        pins.pipeInput(new PinKey(id), PolicyPin.newBuilder().setPinId(id).setHost(host).setSelector(selector)
                .setWantedTier(tier).setWantedNode(node).setReason("test").setCreatedMs(Instant.ofEpochMilli(0))
                .build(), 0L);
    }

    // ---- outputs ----

    List<MigrationDecision> drainDecisions() {
        return decisions.readValuesToList();
    }

    HostState hostState(String host) {
        KeyValueStore<String, byte[]> s = driver.getKeyValueStore(HotnessTopology.HOST_STATE_STORE);
        return HostState.fromBytes(s.get(host));
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistryClient.dropScope(scope);
    }
}
