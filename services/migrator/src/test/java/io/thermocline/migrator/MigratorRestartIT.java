package io.thermocline.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.cluster.junit.LocalClusterExtension;
import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.TierKind;
import io.thermocline.migrator.emulator.EmulatorMigrationTarget;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.TopicAdmin;
import io.thermocline.topics.TopicSerdes;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migrator against the real broker and registry on one emulated host: decisions (produced here, keyed by host
 * like the hotness app does) are applied, results and PFN moves are committed with the offsets, pins are honoured,
 * and a migrator that crashes after moving pages but before committing is replaced by a new instance that executes
 * no decision twice.
 */
@ExtendWith(LocalClusterExtension.class)
class MigratorRestartIT {

    static final String HOST = "emu-restart";
    static final String OTHER_HOST = "emu-other";
    static final int PID = 1000;
    static final long VA = 0x7f00_0000_0000L;
    static final int PAGES = 600;
    static final Duration WAIT = Duration.ofSeconds(60);

    static SerdeFactory serdes;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void topics(LocalCluster cluster) {
        TopicAdmin.ensureTopics(cluster.admin(), Topics.ALL, 0, (short) 1);
        serdes = TopicSerdes.fromConfig(Map.of("schema.registry.url", cluster.registryUrl()));
    }

    static long va(int page) {
        return VA + page * 4096L;
    }

    @Test
    void decisionsApplyOnceAcrossACrashAndRestart(LocalCluster cluster) throws Exception {
        Machine machine = new Machine(HOST, List.of(new NodeSpec(0, TierKind.DRAM, 1024, 90, 38.4),
                new NodeSpec(1, TierKind.CXL, 1024, 216, 25)), CostModel.defaults());
        machine.addProcess(PID, "app", VA, PAGES, false);
        // everything starts on the slow tier (first touch after filling node 0 would be the same story)
        for (int i = 0; i < PAGES; i++) {
            machine.populate(machine.slotOf(PID, va(i)), 1);
        }
        AtomicInteger migratorMoves = new AtomicInteger();
        machine.addListener(m -> {
            if (m.cause() == io.thermocline.emulator.MoveCause.MIGRATOR) {
                migratorMoves.incrementAndGet();
            }
        });
        EmulatorMigrationTarget target = new EmulatorMigrationTarget(machine, machine);
        Map<String, Object> props = new HashMap<>(Map.of(
                MigratorConfig.HOST_ID, HOST, MigratorConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers(),
                MigratorConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl(),
                MigratorConfig.STATE_DIR, stateDir.toString(), MigratorConfig.RATE_LIMIT_MB_PER_SEC, "0",
                MigratorConfig.MAX_DECISIONS_PER_TRANSACTION, "50", MigratorConfig.POLL_TIMEOUT_MS, "100",
                "metrics.port", "-1"));
        MigratorConfig cfg = new MigratorConfig(props);

        // a pin: pages 0..9 must stay on node 1
        send(cluster, Topics.POLICY_PINS, new PinKey("keep-slow"), PolicyPin.newBuilder().setPinId("keep-slow")
                .setHost(HOST).setSelector(PinSelector.newBuilder().setPid(PID).setVaStart(va(0)).setVaEnd(va(10))
                        .build()).setWantedNode(1).setCreatedMs(Instant.now()).build());

        // 300 promotions for this host, and decisions for another host that must be ignored
        List<MigrationDecision> first = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            first.add(decision("d-" + i, HOST, i, target.resolve(PID, va(i))));
        }
        sendAll(cluster, first);
        sendAll(cluster, List.of(decision("other-1", OTHER_HOST, 400, 1)));

        // instance 1 crashes after executing its 3rd batch, before committing it
        MigratorService m1 = new MigratorService(cfg, target, serdes, new SimpleMeterRegistry(), Clock.systemUTC());
        AtomicInteger batches = new AtomicInteger();
        m1.afterExecute = () -> {
            if (batches.incrementAndGet() == 3) {
                throw new SimulatedCrash();
            }
        };
        m1.start();
        AtomicReference<Throwable> died = new AtomicReference<>();
        Thread t1 = new Thread(() -> {
            try {
                m1.run();
            } catch (Throwable e) {
                died.set(e);
            }
        }, "migrator-1");
        t1.start();
        t1.join(WAIT.toMillis());
        assertTrue(died.get() instanceof SimulatedCrash, "instance 1 should crash mid-run, got " + died.get());
        int movesBeforeRestart = migratorMoves.get();
        assertTrue(Files.list(stateDir).findAny().isPresent(), "the crashed batch is in the in-flight journal");

        // instance 2: fences instance 1 (its open transaction is aborted), rebuilds handled ids, recovers
        MigratorService m2 = new MigratorService(cfg, target, serdes, new SimpleMeterRegistry(), Clock.systemUTC());
        m2.start();
        Thread t2 = new Thread(m2::run, "migrator-2");
        t2.start();
        try {
            List<MigrationResult> results = awaitResults(cluster, 300);
            // redeliver some already handled decisions, and add 100 new ones
            List<MigrationDecision> second = new ArrayList<>(first.subList(0, 20));
            for (int i = 300; i < 400; i++) {
                second.add(decision("d-" + i, HOST, i, target.resolve(PID, va(i))));
            }
            sendAll(cluster, second);
            results = awaitResults(cluster, 420);

            Map<String, List<MigrationResult>> byId = results.stream()
                    .collect(Collectors.groupingBy(MigrationResult::getDecisionId));
            assertEquals(400, byId.size(), "every decision of this host answered, none of the other host's");
            for (var e : byId.entrySet()) {
                long executed = e.getValue().stream().filter(r -> r.getStatus() == MigrationStatus.MOVED).count();
                assertTrue(executed <= 1, e.getKey() + " moved " + executed + " times");
            }
            Map<MigrationStatus, Long> statuses = results.stream()
                    .collect(Collectors.groupingBy(MigrationResult::getStatus, Collectors.counting()));
            assertEquals(10, statuses.get(MigrationStatus.PINNED), "the 10 pinned pages: " + statuses);
            assertEquals(390, statuses.get(MigrationStatus.MOVED), statuses.toString());
            assertEquals(20, statuses.get(MigrationStatus.DUPLICATE), statuses.toString());
            assertEquals(390, migratorMoves.get(), "each page moved exactly once on the machine (" + movesBeforeRestart
                    + " before the restart)");
            for (int i = 0; i < 400; i++) {
                assertEquals(i < 10 ? 1 : 0, target.nodeOfPfn(target.resolve(PID, va(i))), "page " + i);
            }
            // PFN moves: one per MOVED result, from the old to the new frame, committed with the results
            List<PfnMove> moves = readAll(cluster, Topics.PFN_MOVES).stream().map(v -> (PfnMove) v)
                    .filter(m -> HOST.equals(m.getHost())).toList();
            assertEquals(390, moves.size());
            assertEquals(390, moves.stream().map(PfnMove::getDecisionId).distinct().count());
            assertTrue(moves.stream().allMatch(m -> m.getCause() == MoveCause.MIGRATOR
                    && m.getNewPfn() == target.resolve(PID, m.getVaddr()) && m.getOldPfn() != m.getNewPfn()));
            assertTrue(results.stream().anyMatch(r -> r.getDetail() != null
                    && r.getDetail().contains("previous migrator instance")),
                    "the crashed batch's moves are reported from the journal, not lost");
        } finally {
            m2.stop();
            t2.join(10_000);
            m2.close();
            m1.close();
        }
    }

    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("simulated crash between executing and committing a batch");
        }
    }

    static MigrationDecision decision(String id, String host, int page, long pfn) {
        Instant now = Instant.now();
        return MigrationDecision.newBuilder().setDecisionId(id).setHost(host).setPid(PID).setVaddr(va(page))
                .setPfn(pfn).setFromNode(1).setToNode(0).setReason(DecisionReason.PROMOTE_HOT).setCreatedMs(now)
                .setDeadlineMs(now.plus(Duration.ofMinutes(5))).build();
    }

    static void sendAll(LocalCluster cluster, List<MigrationDecision> ds) throws Exception {
        var keySer = Topics.DECISIONS.keySerde(serdes).serializer();
        var valSer = Topics.DECISIONS.valueSerde(serdes).serializer();
        String t = Topics.DECISIONS.name();
        try (KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(cluster.clientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (MigrationDecision d : ds) {
                pr.send(new ProducerRecord<>(t, keySer.serialize(t, new HostKey(d.getHost())),
                        valSer.serialize(t, d)));
            }
            pr.flush();
        }
    }

    static <K extends SpecificRecord, V extends SpecificRecord> void send(LocalCluster cluster, TopicSpec<K, V> t,
                                                                          K key, V value) throws Exception {
        Properties p = cluster.clientProperties();
        try (KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            pr.send(new ProducerRecord<>(t.name(), t.keySerde(serdes).serializer().serialize(t.name(), key),
                    t.valueSerde(serdes).serializer().serialize(t.name(), value))).get();
        }
    }

    static List<MigrationResult> awaitResults(LocalCluster cluster, int atLeast) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<MigrationResult> rs;
        do {
            rs = readAll(cluster, Topics.RESULTS).stream().map(v -> (MigrationResult) v)
                    .filter(r -> HOST.equals(r.getHost())).toList();
            if (rs.size() >= atLeast) {
                return rs;
            }
            Thread.sleep(300);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("only " + rs.size() + " results of " + atLeast + " within " + WAIT);
    }

    /** Every committed record of a topic (read_committed: aborted transactions are invisible). */
    static List<Object> readAll(LocalCluster cluster, TopicSpec<?, ?> t) {
        return readAll(cluster, t, serdes);
    }

    static List<Object> readAll(LocalCluster cluster, TopicSpec<?, ?> t, SerdeFactory serdes) {
        Properties p = cluster.clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Object> out = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(t.name()).stream()
                    .map(i -> new TopicPartition(t.name(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            var de = t.valueSerde(serdes).deserializer();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        out.add(de.deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
        return out;
    }
}
