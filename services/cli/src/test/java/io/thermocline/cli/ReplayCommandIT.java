package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.cluster.junit.LocalClusterExtension;
import io.thermocline.registry.RegistryClientConfig;
import io.thermocline.serde.WireSerdeFactory;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * replay against the real broker and registry: a small retained scenario (owners, node stats, a real promotion
 * and a stale refusal, twelve windows of batches) is produced for this run's own host id (the cluster is shared),
 * then replayed with what-if parameters; the table, the JSON report and the absence of any decision on
 * tc.decisions are checked.
 */
@ExtendWith(LocalClusterExtension.class)
class ReplayCommandIT {

    private static final String HOST = "replay-it-" + UUID.randomUUID().toString().substring(0, 8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ReplayScenario scenario;
    private static LocalCluster cluster;
    private static String[] conn;

    @BeforeAll
    static void produce(LocalCluster c) throws Exception {
        cluster = c;
        c.createTopics(List.of(Topics.PAGE_ACCESS.newTopic(0, (short) 1), Topics.PAGE_OWNERS.newTopic(0, (short) 1),
                Topics.NODE_STATS.newTopic(0, (short) 1), Topics.POLICY_PINS.newTopic(0, (short) 1),
                Topics.PFN_MOVES.newTopic(0, (short) 1), Topics.RESULTS.newTopic(0, (short) 1),
                Topics.DECISIONS.newTopic(0, (short) 1)));
        conn = new String[] {"--bootstrap-servers", c.bootstrapServers(), "--registry-url", c.registryUrl()};
        scenario = new ReplayScenario(HOST);
        try (Producer p = new Producer()) {
            for (NodeStats s : scenario.nodes) {
                p.send(Topics.NODE_STATS, new NodeKey(HOST, s.getNode()), s);
            }
            for (PageOwner o : scenario.owners) {
                p.send(Topics.PAGE_OWNERS, new PfnKey(HOST, o.getPfn()), o);
            }
            for (PfnMove m : scenario.moves) {
                p.send(Topics.PFN_MOVES, new HostKey(HOST), m);
            }
            for (MigrationResult r : scenario.results) {
                p.send(Topics.RESULTS, new HostKey(HOST), r);
            }
            for (PageAccessBatch b : scenario.batches) {
                p.send(Topics.PAGE_ACCESS, new PfnBlockKey(HOST, b.getBlock()), b);
            }
        }
    }

    /** Writes catalogue records in the Confluent wire format through the real registry. */
    static final class Producer implements AutoCloseable {
        private final Map<String, Object> sc = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl());
        private final WireSerdeFactory f = WireSerdeFactory.fromConfig(sc);
        private final KafkaProducer<byte[], byte[]> producer;
        private final List<Serde<?>> serdes = new ArrayList<>();

        Producer() {
            Map<String, Object> pc = new HashMap<>();
            pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            pc.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer());
        }

        <K extends SpecificRecord, V extends SpecificRecord> void send(TopicSpec<K, V> t, K key, V value)
                throws Exception {
            Serde<K> ks = f.serde(t.keyType(), sc, true);
            Serde<V> vs = f.serde(t.valueType(), sc, false);
            serdes.add(ks);
            serdes.add(vs);
            producer.send(new ProducerRecord<>(t.name(), ks.serializer().serialize(t.name(), key),
                    vs.serializer().serialize(t.name(), value))).get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            producer.close();
            serdes.forEach(Serde::close);
        }
    }

    private static CliRun replay(String... args) {
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(List.of(conn));
        all.addAll(List.of("--host", HOST, "--set", "window.ms=1000", "--set", "window.grace.ms=0", "--set",
                "promote.min.hot.windows=1"));
        all.addAll(List.of(args));
        return CliRun.run(all.toArray(String[]::new));
    }

    /** The actual / what-if cells of a table row. */
    private static String[] row(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)$").matcher(out);
        assertTrue(m.find(), "row '" + name + "' in\n" + out);
        return new String[] {m.group(1), m.group(2), m.group(3)};
    }

    @Test
    void replayPrintsActualVsWhatIfAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("replay.json");
        CliRun r = replay("--report-json", json.toString());
        assertEquals(0, r.exitCode(), r.toString());

        long[] acc = scenario.actualAccesses();
        double actualRatio = (double) acc[1] / acc[0];
        String[] ratio = row(r.out(), "fast-tier ratio");
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", actualRatio), ratio[0], r.out());
        assertTrue(Double.parseDouble(ratio[1]) > actualRatio + 0.3, r.out());
        assertEquals("1", row(r.out(), "  promoted pages")[0]);
        assertEquals("1", row(r.out(), "stale refused")[0]);
        assertTrue(r.out().contains("host " + HOST + ": " + ReplayScenario.WINDOWS + " windows"), r.out());
        assertTrue(r.err().contains("replay [") && r.err().contains("100% " + scenario.batches.size() + "/"
                + scenario.batches.size() + " records"), r.err());

        JsonNode j = JSON.readTree(json.toFile());
        assertTrue(j.get("applicationId").asText().startsWith("thermocline-replay-"), j.toString());
        assertTrue(r.out().contains(j.get("applicationId").asText()), "the table names the application id");
        long produced = scenario.nodes.size() + scenario.owners.size() + scenario.moves.size()
                + scenario.results.size() + scenario.batches.size();
        assertTrue(j.get("records").asLong() >= produced, j.toString());
        assertEquals("1000", j.get("overrides").get("window.ms").asText());
        assertEquals("1", j.get("overrides").get("promote.min.hot.windows").asText());
        JsonNode a = j.get("actual");
        JsonNode w = j.get("whatIf");
        assertEquals(actualRatio, a.get("fastAccessRatio").asDouble(), 1e-9);
        assertEquals(1, a.get("promotedPages").asLong());
        assertEquals(0, a.get("demotedPages").asLong());
        assertEquals(0, a.get("pingPongs").asLong());
        assertEquals(1, a.get("staleRefused").asLong());
        assertTrue(w.get("promotedPages").asLong() >= ReplayScenario.HOT - 1, w.toString());
        assertTrue(w.get("fastAccessRatio").asDouble() > a.get("fastAccessRatio").asDouble(), j.toString());
        assertTrue(w.has("demotedPages") && w.has("pingPongs") && w.has("staleRefused"), w.toString());
        assertEquals(acc[0], w.get("accesses").asLong(), "both sides count the same accesses");
        assertEquals(HOST, j.get("hosts").get(0).get("host").asText());

        assertFalse(decisionsFor(HOST), "what-if decisions must not reach tc.decisions");
    }

    @Test
    void aLowRateLimitMovesFewerPages(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.json");
        Path slow = dir.resolve("slow.json");
        CliRun b = replay("--report-json", base.toString(), "--no-progress", "--register-schemas");
        CliRun s = replay("--report-json", slow.toString(), "--no-progress", "--set", "rate.limit.mbps=0.001");
        assertEquals(0, b.exitCode(), b.toString());
        assertEquals(0, s.exitCode(), s.toString());
        assertFalse(s.err().contains("replay ["), "--no-progress: " + s.err());
        JsonNode jb = JSON.readTree(base.toFile());
        JsonNode js = JSON.readTree(slow.toFile());
        assertTrue(js.get("whatIf").get("promotedPages").asLong() < jb.get("whatIf").get("promotedPages").asLong(),
                js + " vs " + jb);
        assertEquals(jb.get("actual"), js.get("actual"));
        assertFalse(jb.get("applicationId").asText().equals(js.get("applicationId").asText()),
                "a fresh application id per run");
    }

    @Test
    void fromTimeReplaysTheWindowsSampledFromThatTime() {
        int skip = 6;
        CliRun r = replay("--no-progress", "--from-time",
                ReplayScenario.T0.plusMillis(skip * ReplayScenario.WINDOW_MS).toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("host " + HOST + ": " + (ReplayScenario.WINDOWS - skip) + " windows "
                + ReplayScenario.T0.plusMillis(skip * ReplayScenario.WINDOW_MS)), r.out());
        // the real promotion happened before the start: not counted; its page's samples still resolve
        assertEquals("0", row(r.out(), "  promoted pages")[0], r.out());
        assertTrue(r.out().contains(" 0 unresolved samples"), r.out());
    }

    @Test
    void startAfterTheRetainedDataFindsNothing() {
        CliRun late = replay("--from-time", Instant.now().plus(Duration.ofHours(1)).toString());
        assertEquals(1, late.exitCode(), late.toString());
        assertTrue(late.err().contains("no tc.page-access records to replay for host " + HOST), late.toString());
        CliRun beyond = replay("--from-offset", "1000000000");
        assertEquals(1, beyond.exitCode(), beyond.toString());
        CliRun other = CliRun.run("replay", conn[0], conn[1], conn[2], conn[3], "--host", HOST + "-none");
        assertEquals(1, other.exitCode(), other.toString());
    }

    /** Whether tc.decisions holds any decision for a host. */
    private static boolean decisionsFor(String host) {
        Map<String, Object> sc = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl());
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (Serde<MigrationDecision> vs = WireSerdeFactory.fromConfig(sc).serde(MigrationDecision.class, sc, false);
             KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.DECISIONS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && host.equals(vs.deserializer().deserialize(r.topic(), r.value()).getHost())) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
