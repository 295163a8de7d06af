package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.cluster.junit.LocalClusterExtension;
import io.thermocline.registry.RegistryClientConfig;
import io.thermocline.serde.WireSerdeFactory;
import io.thermocline.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** pin add / list / rm against the real broker and registry; ids are unique per run (the cluster is shared). */
@ExtendWith(LocalClusterExtension.class)
class PinCommandIT {

    private static String[] conn;
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void topics(LocalCluster cluster) {
        cluster.createTopics(List.of(Topics.POLICY_PINS.newTopic(0, (short) 1)));
        conn = new String[] {"--bootstrap-servers", cluster.bootstrapServers(), "--registry-url", cluster.registryUrl()};
    }

    private static CliRun pin(String... args) {
        List<String> all = new ArrayList<>(List.of("pin"));
        all.add(args[0]);
        all.addAll(List.of(conn));
        all.addAll(List.of(args).subList(1, args.length));
        return CliRun.run(all.toArray(String[]::new));
    }

    /** Rows of `pin list` for this run's ids, by id. */
    private static Map<String, String> listed() {
        CliRun r = pin("list");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("ID"), r.toString());
        Map<String, String> rows = new HashMap<>();
        for (String line : r.out().split("\n")) {
            if (line.startsWith(RUN)) {
                rows.put(line.split("\\s+")[0], line);
            }
        }
        return rows;
    }

    @Test
    void addListReplaceRemove(LocalCluster cluster) throws Exception {
        String db = RUN + "-db";
        String cold = RUN + "-cold";
        CliRun a = pin("add", "--id", db, "--host", "*", "--comm", "postgres", "--tier", "dram",
                "--reason", "latency SLO");
        assertEquals(0, a.exitCode(), a.toString());
        assertTrue(a.out().contains("pin " + db + " written to tc.policy-pins"), a.toString());
        CliRun b = pin("add", "--id", cold, "--host", "host-7", "--pid", "4242", "--va-start", "0x7f0000000000",
                "--va-end", "0x7f0000400000", "--node", "2", "--ttl", "1h");
        assertEquals(0, b.exitCode(), b.toString());

        Map<String, String> rows = listed();
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(db).matches(db + "\\s+\\*\\s+comm=postgres\\s+DRAM\\s+active\\s+never\\s+latency SLO"),
                rows.get(db));
        assertTrue(rows.get(cold).matches(cold + "\\s+host-7\\s+pid=4242 va=0x7f0000000000-0x7f0000400000\\s+"
                + "node 2\\s+active\\s+\\S+Z"), rows.get(cold));

        // replacing keeps one row per id, the latest value
        CliRun again = pin("add", "--id", db, "--host", "*", "--comm", "postgres", "--tier", "CXL",
                "--reason", "moved");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(listed().get(db).contains("CXL"), listed().toString());

        CliRun rm = pin("rm", "--id", cold);
        assertEquals(0, rm.exitCode(), rm.toString());
        assertTrue(rm.out().contains("pin " + cold + " removed"), rm.toString());
        rows = listed();
        assertEquals(List.of(db), List.copyOf(rows.keySet()), rows.toString());

        CliRun missing = pin("rm", "--id", cold);
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("no pin with id '" + cold + "'"), missing.toString());

        // the topic holds real Avro records keyed by PinKey, and a tombstone for the removed pin
        Map<String, List<PolicyPin>> history = history(cluster);
        assertEquals(2, history.get(db).size(), history.toString());
        PolicyPin latestDb = history.get(db).get(history.get(db).size() - 1);
        assertEquals(TierKind.CXL, latestDb.getWantedTier());
        assertEquals("moved", latestDb.getReason());
        assertTrue(latestDb.getCreatedMs().isBefore(Instant.now().plusSeconds(1)));
        List<PolicyPin> coldHistory = history.get(cold);
        assertEquals(2, coldHistory.size());
        PolicyPin first = coldHistory.get(0);
        assertEquals(2, first.getWantedNode());
        assertNull(first.getWantedTier());
        assertEquals(0x7f0000400000L, first.getSelector().getVaEnd());
        assertEquals(Duration.ofHours(1), Duration.between(first.getCreatedMs(), first.getExpiresMs()));
        assertNull(coldHistory.get(1), "tombstone last");
    }

    @Test
    void forcedRemoveOfAnUnknownIdWritesATombstone() {
        CliRun r = pin("rm", "--id", RUN + "-never", "--force");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(listed().containsKey(RUN + "-never"));
    }

    /** Every record of this run's ids in the topic, in order; null = tombstone. */
    private static Map<String, List<PolicyPin>> history(LocalCluster cluster) {
        Map<String, Object> sc = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl());
        WireSerdeFactory f = WireSerdeFactory.fromConfig(sc);
        Map<String, List<PolicyPin>> out = new HashMap<>();
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (Serde<PinKey> ks = f.serde(PinKey.class, sc, true); Serde<PolicyPin> vs = f.serde(PolicyPin.class, sc, false);
             KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.POLICY_PINS.name(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String id = ks.deserializer().deserialize(r.topic(), r.key()).getPinId();
                    if (id.startsWith(RUN)) {
                        out.computeIfAbsent(id, k -> new ArrayList<>())
                                .add(r.value() == null ? null : vs.deserializer().deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
        return out;
    }
}
