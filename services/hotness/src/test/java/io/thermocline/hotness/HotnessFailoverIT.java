package io.thermocline.hotness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.dlq.DeadLetter;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.cluster.junit.LocalClusterExtension;
import io.thermocline.topics.HostPartitioning;
import io.thermocline.topics.TopicAdmin;
import io.thermocline.topics.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances of the hotness app against the real broker (KRaft) and the real Apicurio registry:
 * decisions flow for every host, a query to one instance is answered for a host held by the other, and
 * after one instance stops the survivor takes over its hosts and decisions keep coming for all of them.
 * Also: a record that is not Avro lands in tc.dlq under exactly_once_v2.
 */
@ExtendWith(LocalClusterExtension.class)
class HotnessFailoverIT {

    private static final long WINDOW = 1000;
    private static final int HOSTS = 8;
    private static final int PARTITIONS = 4;
    private static final int PAGES = 400;
    private static final int HOT_PER_WINDOW = 5;
    private static final long CXL = 1L << 20;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void decisionsKeepComingWhenOneInstanceStops(LocalCluster cluster) throws Exception {
        String appId = "hotness-it-" + UUID.randomUUID();
        TopicAdmin.ensureTopics(cluster.admin(), Topics.ALL, PARTITIONS, (short) 1);
        int portA = freePort();
        int portB = freePort();
        HotnessApp a = new HotnessApp(config(cluster, appId, portA), serdes(cluster)).start();
        HotnessApp b = new HotnessApp(config(cluster, appId, portB), serdes(cluster)).start();
        RegistrySerdes serdes = serdes(cluster);
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            hosts.add("it-host-" + i);
        }
        long base = (System.currentTimeMillis() / WINDOW) * WINDOW;
        try (KafkaProducer<Object, Object> producer = producer(cluster);
             KafkaConsumer<HostKey, MigrationDecision> decisions = decisionConsumer(cluster, serdes)) {
            for (String h : hosts) {
                send(producer, Topics.NODE_STATS.name(), new NodeKey(h, 0), nodes(h, 0, TierKind.DRAM, 0, base), base);
                send(producer, Topics.NODE_STATS.name(), new NodeKey(h, 1), nodes(h, 1, TierKind.CXL, 1, base), base);
                for (int p = 0; p < PAGES; p++) {
                    long pfn = CXL + p;
                    send(producer, Topics.PAGE_OWNERS.name(), new PfnKey(h, pfn), PageOwner.newBuilder().setHost(h)
                            .setPfn(pfn).setPid(100).setVaddr(0x7f00_0000_0000L + p * 4096L).setNode(1)
                            .setUpdatedMs(Instant.ofEpochMilli(base)).build(), base);
                }
            }
            producer.flush();
            awaitRunning(a, b);

            // phase 1: both instances; a new hot set every window
            int window = 0;
            Set<String> seen = new HashSet<>();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (seen.size() < HOSTS && System.currentTimeMillis() < deadline) {
                sendWindow(producer, hosts, base, window++);
                seen.addAll(poll(decisions, Duration.ofMillis(500)).keySet());
            }
            assertEquals(new HashSet<>(hosts), seen, "decisions for every host with two instances; "
                    + diagnose(hosts, seen, portA, portB, a, b));

            // interactive query through A for a host B holds (forwarded)
            String heldByB = null;
            for (String h : hosts) {
                KeyQueryMetadata md = a.streams().queryMetadataForKey(HotnessTopology.HEAT_STORE, h,
                        HostPartitioner.<String, Object>of(x -> x));
                if (md.activeHost().equals(new HostInfo("localhost", portB))) {
                    heldByB = h;
                    break;
                }
            }
            assertTrue(heldByB != null, "instance B holds at least one host");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + portA + "/hosts/" + heldByB + "/top?k=3")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("localhost:" + portB, r.headers().firstValue("X-Thermocline-Served-By").orElse(""));
            JsonNode top = new ObjectMapper().readTree(r.body());
            assertTrue(top.isArray() && top.size() == 3, r.body());
            assertTrue(top.get(0).get("heat").asLong() >= top.get(2).get("heat").asLong());
            assertEquals(100, top.get(0).get("pid").asInt());

            // the service's Prometheus endpoint: decisions by reason, hot threshold per host, Streams metrics
            HttpResponse<String> m = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + a.metricsPort() + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, m.statusCode());
            assertTrue(m.body().contains("thermocline_hotness_decisions_total{") && m.body().contains("reason=\"PROMOTE_HOT\""),
                    "decisions by reason exported");
            assertTrue(m.body().contains("thermocline_hotness_hot_threshold{"), "hot threshold gauge exported");
            // Streams thread metrics are bound at start; RocksDB ones appear at the binder's next refresh (StreamsMetricsIT)
            assertTrue(m.body().contains(io.thermocline.metrics.StreamsMetricsBinder.THREAD_PROCESS_RATE + "{"),
                    "Kafka Streams metrics exported");
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + a.metricsPort() + "/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());

            // phase 2: B stops; A takes over B's hosts, decisions keep coming for all hosts
            b.close();
            int stoppedAt = window;
            Map<String, Integer> after = new HashMap<>();
            deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (after.keySet().size() < HOSTS && System.currentTimeMillis() < deadline) {
                sendWindow(producer, hosts, base, window++);
                poll(decisions, Duration.ofMillis(500)).forEach((h, ds) -> {
                    for (MigrationDecision d : ds) {
                        if (d.getEvidenceMs().toEpochMilli() > base + stoppedAt * WINDOW) {
                            after.merge(h, 1, Integer::sum);
                        }
                    }
                });
            }
            assertEquals(new HashSet<>(hosts), after.keySet(), "decisions for every host after B stopped; "
                    + diagnose(hosts, after.keySet(), portA, -1, a, null));
            assertFalse(a.streams().state() == KafkaStreams.State.ERROR);

            // a record that is not Avro goes to the DLQ (exactly_once_v2)
            try (KafkaProducer<byte[], byte[]> raw = rawProducer(cluster);
                 KafkaConsumer<Object, DeadLetter> dlq = dlqConsumer(cluster, serdes)) {
                raw.send(new ProducerRecord<>(Topics.PAGE_ACCESS.name(), "junk".getBytes(), "not avro".getBytes()))
                        .get();
                sendWindow(producer, hosts, base, window++); // keeps the transaction moving
                DeadLetter found = null;
                deadline = System.currentTimeMillis() + WAIT.toMillis();
                while (found == null && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<Object, DeadLetter> rec : dlq.poll(Duration.ofMillis(500))) {
                        if (rec.value().getApplication().toString().equals(appId)) {
                            found = rec.value();
                        }
                    }
                    if (found == null) {
                        sendWindow(producer, hosts, base, window++);
                    }
                }
                assertTrue(found != null, "dead letter written");
                assertEquals(Topics.PAGE_ACCESS.name(), found.getTopic().toString());
                assertTrue(found.getReason().length() > 0);
            }
        } finally {
            a.close();
            b.close();
        }
    }

    /** What the instances know about the hosts that got no decisions (printed with a failure). */
    private static String diagnose(List<String> hosts, Set<String> seen, int portA, int portB, HotnessApp a,
                                   HotnessApp b) {
        StringBuilder sb = new StringBuilder();
        for (String h : hosts) {
            if (seen.contains(h)) {
                continue;
            }
            for (int port : new int[] {portA, portB}) {
                if (port < 0) {
                    continue;
                }
                try {
                    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/hosts/" + h + "/stats")).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    sb.append(h).append(" via :").append(port).append(' ').append(r.statusCode()).append(' ')
                            .append(r.body()).append("; ");
                } catch (Exception e) {
                    sb.append(h).append(" via :").append(port).append(" failed ").append(e).append("; ");
                }
            }
        }
        for (HotnessApp app : b == null ? new HotnessApp[] {a} : new HotnessApp[] {a, b}) {
            sb.append("state=").append(app.streams().state()).append(" tasks=");
            app.streams().metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(
                    task -> sb.append(task.taskId()).append(task.topicPartitions()).append(task.committedOffsets())
                            .append(task.endOffsets()).append(' ')));
            sb.append("; ");
        }
        return sb.toString();
    }

    private static HotnessConfig config(LocalCluster cluster, String appId, int port) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(HotnessConfig.APPLICATION_ID, appId);
        p.put(HotnessConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        p.put(HotnessConfig.REGISTRY_URL, cluster.registryUrl());
        p.put(HotnessConfig.STATE_DIR, Files.createTempDirectory("hotness-it").toString());
        p.put(HotnessConfig.HTTP_PORT, port);
        p.put(HotnessConfig.APPLICATION_SERVER, "localhost:" + port);
        p.put(HotnessConfig.PARTITIONS, PARTITIONS);
        p.put(HotnessConfig.METRICS_PORT, 0);
        p.put(HotnessConfig.WINDOW_MS, WINDOW);
        p.put(HotnessConfig.WINDOW_GRACE_MS, 0L);
        p.put(HotnessConfig.COMMIT_INTERVAL_MS, 100L);
        p.put(HotnessConfig.PROMOTE_MIN_HOT_WINDOWS, 1);
        // a shared 2-core machine: give transactions and polls room so a slow commit is not fenced
        p.put(StreamsProperties.STREAMS_PREFIX + "producer.transaction.timeout.ms", 60_000);
        p.put(StreamsProperties.STREAMS_PREFIX + "consumer.max.poll.interval.ms", 120_000);
        p.put(StreamsProperties.STREAMS_PREFIX + "consumer.session.timeout.ms", 30_000);
        return new HotnessConfig(p);
    }

    private static RegistrySerdes serdes(LocalCluster cluster) {
        return new RegistrySerdes(Map.of("schema.registry.url", cluster.registryUrl()));
    }

    private static void sendWindow(KafkaProducer<Object, Object> producer, List<String> hosts, long base, int w)
            throws Exception {
        long t = base + w * WINDOW;
        for (String h : hosts) {
            List<PageAccess> entries = new ArrayList<>();
            for (int i = 0; i < HOT_PER_WINDOW; i++) {
                entries.add(new PageAccess(CXL + (w * HOT_PER_WINDOW + i) % PAGES, 1000));
            }
            entries.add(new PageAccess(CXL + PAGES - 1, 1)); // a warm page: every block is sampled
            entries.sort((x, y) -> Long.compare(x.getPfn(), y.getPfn()));
            for (long block : List.of(CXL >> 9)) {
                List<PageAccess> in = entries.stream().filter(e -> e.getPfn() >> 9 == block).toList();
                // partitioned by host, as the samplers send
                producer.send(new ProducerRecord<>(Topics.PAGE_ACCESS.name(), HostPartitioning.partition(h, PARTITIONS),
                        t, new PfnBlockKey(h, block), PageAccessBatch.newBuilder()
                        .setHost(h).setSource(AccessSource.EMULATOR).setNode(1).setBlock(block)
                        .setWindowStartMs(Instant.ofEpochMilli(t)).setWindowEndMs(Instant.ofEpochMilli(t + WINDOW))
                        .setEpoch(w).setEntries(new ArrayList<>(in)).build()));
            }
        }
        producer.flush();
        Thread.sleep(200);
    }

    private static NodeStats nodes(String h, int node, TierKind tier, int rank, long t) {
        return NodeStats.newBuilder().setHost(h).setNode(node).setTier(tier).setTierRank(rank)
                .setCapacityPages(rank == 0 ? 100_000 : 1_000_000).setFreePages(rank == 0 ? 90_000 : 900_000)
                .setDistances(List.of(10, 20)).setTimestampMs(Instant.ofEpochMilli(t)).build();
    }

    private static void send(KafkaProducer<Object, Object> p, String topic, Object key, Object value, long t) {
        p.send(new ProducerRecord<>(topic, null, t, key, value));
    }

    private static Map<String, List<MigrationDecision>> poll(KafkaConsumer<HostKey, MigrationDecision> c,
                                                             Duration d) {
        Map<String, List<MigrationDecision>> out = new HashMap<>();
        for (ConsumerRecord<HostKey, MigrationDecision> r : c.poll(d)) {
            out.computeIfAbsent(r.key().getHost().toString(), k -> new ArrayList<>()).add(r.value());
        }
        return out;
    }

    private static void awaitRunning(HotnessApp... apps) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        for (HotnessApp app : apps) {
            while (app.streams().state() != KafkaStreams.State.RUNNING && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static KafkaProducer<Object, Object> producer(LocalCluster cluster) {
        RegistrySerdes serdes = serdes(cluster);
        Properties p = cluster.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        org.apache.kafka.common.serialization.Serializer<Object> keys = (topic, v) -> topicKeySer(serdes, topic).serialize(topic, v);
        org.apache.kafka.common.serialization.Serializer<Object> values = (topic, v) -> topicValueSer(serdes, topic).serialize(topic, v);
        return new KafkaProducer<>(p, keys, values);
    }

    private static final Map<String, org.apache.kafka.common.serialization.Serializer<Object>> KEY_SERS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, org.apache.kafka.common.serialization.Serializer<Object>> VALUE_SERS = new java.util.concurrent.ConcurrentHashMap<>();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static org.apache.kafka.common.serialization.Serializer<Object> topicKeySer(RegistrySerdes s, String topic) {
        return KEY_SERS.computeIfAbsent(topic, t -> (org.apache.kafka.common.serialization.Serializer) Topics.byName(t)
                .orElseThrow().keySerde(s).serializer());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static org.apache.kafka.common.serialization.Serializer<Object> topicValueSer(RegistrySerdes s, String topic) {
        return VALUE_SERS.computeIfAbsent(topic, t -> (org.apache.kafka.common.serialization.Serializer) Topics.byName(t)
                .orElseThrow().valueSerde(s).serializer());
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(LocalCluster cluster) {
        return new KafkaProducer<>(cluster.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<HostKey, MigrationDecision> decisionConsumer(LocalCluster cluster, RegistrySerdes s) {
        Properties p = consumerProps(cluster);
        KafkaConsumer<HostKey, MigrationDecision> c = new KafkaConsumer<>(p, Topics.DECISIONS.keySerde(s).deserializer(),
                Topics.DECISIONS.valueSerde(s).deserializer());
        c.subscribe(List.of(Topics.DECISIONS.name()));
        return c;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static KafkaConsumer<Object, DeadLetter> dlqConsumer(LocalCluster cluster, RegistrySerdes s) {
        KafkaConsumer<Object, DeadLetter> c = new KafkaConsumer<>(consumerProps(cluster),
                (org.apache.kafka.common.serialization.Deserializer) Topics.DLQ.keySerde(s).deserializer(),
                Topics.DLQ.valueSerde(s).deserializer());
        c.subscribe(List.of(Topics.DLQ.name()));
        return c;
    }

    private static Properties consumerProps(LocalCluster cluster) {
        Properties p = cluster.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
