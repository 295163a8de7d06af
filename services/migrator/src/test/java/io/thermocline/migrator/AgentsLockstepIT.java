package io.thermocline.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.cluster.junit.LocalClusterExtension;
import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.EmulatedClock;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.TierKind;
import io.thermocline.emulator.sample.SampleSource;
import io.thermocline.hotness.HotnessApp;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.migrator.emulator.EmulatorMigrationTarget;
import io.thermocline.sampler.SamplerConfig;
import io.thermocline.sampler.SamplerService;
import io.thermocline.sampler.emulator.EmulatorSamplerBackend;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.TopicAdmin;
import io.thermocline.topics.TopicSerdes;
import io.thermocline.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole per-host loop through the real broker and registry, in lockstep with an emulated host: each epoch the
 * workload (90 % of accesses on a hot set that first touch put on the CXL node) runs, the sampler publishes that
 * epoch's samples, owners and node stats, the test waits until the hotness app (Kafka Streams, exactly-once) has
 * consumed and committed everything, and the migrator applies every decision before the next epoch runs. Time is an
 * emulated clock advanced one epoch at a time, so the run does not depend on wall-clock pacing. The migrator
 * crashes mid-run (after moving its 3rd batch, before committing it) and a new instance takes over: no decision is
 * executed twice, PFN moves flow back, and the hot set ends up in DRAM.
 */
@ExtendWith(LocalClusterExtension.class)
class AgentsLockstepIT {

    static final String HOST = "emu-lockstep";
    static final int PID = 1000;
    static final long VA = 0x7f00_0000_0000L;
    static final int FAST_PAGES = 512;
    static final int PAGES = 1024;
    /** Hot set: 128 pages that first touch put on the CXL node. */
    static final int HOT_FROM = 768;
    static final int HOT_PAGES = 128;
    static final int ACCESSES_PER_EPOCH = 20_000;
    static final long EPOCH_MS = 1000;
    /** Sampler intervals per epoch (one hotness window). */
    static final int INTERVALS_PER_EPOCH = 4;
    static final int MAX_EPOCHS = 60;
    static final long KERNEL_GRACE_MS = 2 * EPOCH_MS;
    static final Duration CATCH_UP = Duration.ofSeconds(60);
    static final Duration DRAIN_POLL = Duration.ofMillis(150);

    static SerdeFactory serdes;

    @TempDir
    Path dir;

    @BeforeAll
    static void topics(LocalCluster cluster) {
        TopicAdmin.ensureTopics(cluster.admin(), Topics.ALL, 0, (short) 1);
        serdes = TopicSerdes.fromConfig(Map.of("schema.registry.url", cluster.registryUrl()));
    }

    static long va(int page) {
        return VA + page * 4096L;
    }

    @Test
    void lockstepRunPromotesTheHotSetAndSurvivesAMigratorCrash(LocalCluster cluster) throws Exception {
        Machine machine = new Machine(HOST, List.of(new NodeSpec(0, TierKind.DRAM, FAST_PAGES, 90, 38.4),
                new NodeSpec(1, TierKind.CXL, 4 * FAST_PAGES, 216, 25)), CostModel.defaults());
        machine.addProcess(PID, "gups", VA, PAGES, false);
        for (int i = 0; i < PAGES; i++) {
            machine.access(PID, va(i));     // first touch: pages 0..511 on DRAM, the rest on CXL
        }
        AtomicInteger machineMigratorMoves = new AtomicInteger();
        machine.addListener(m -> {
            if (m.cause() == io.thermocline.emulator.MoveCause.MIGRATOR) {
                machineMigratorMoves.incrementAndGet();
            }
        });
        long startMs = System.currentTimeMillis() / EPOCH_MS * EPOCH_MS;
        EmulatedClock clock = new EmulatedClock(startMs);
        String appId = "it-hotness-" + System.nanoTime();
        Map<String, Object> common = Map.of("bootstrap.servers", cluster.bootstrapServers(),
                "schema.registry.url", cluster.registryUrl(), "host.id", HOST, "metrics.port", "-1");
        Map<String, Object> hp = new HashMap<>(common);
        hp.remove("host.id");
        hp.remove("metrics.port");
        hp.put(HotnessConfig.METRICS_PORT, -1);
        hp.putAll(Map.of(HotnessConfig.APPLICATION_ID, appId,
                HotnessConfig.STATE_DIR, dir.resolve("hotness").toString(), HotnessConfig.HTTP_PORT, "0",
                HotnessConfig.WINDOW_MS, Long.toString(EPOCH_MS), HotnessConfig.WINDOW_GRACE_MS, Long.toString(EPOCH_MS / 5),
                HotnessConfig.COMMIT_INTERVAL_MS, "100", HotnessConfig.DECISION_DEADLINE_MS, "600000"));
        Map<String, Object> sp = new HashMap<>(common);
        sp.putAll(Map.of(SamplerConfig.NODE_STATS_INTERVAL_MS, Long.toString(EPOCH_MS),
                SamplerConfig.KERNEL_MOVE_GRACE_MS, Long.toString(KERNEL_GRACE_MS)));
        Map<String, Object> mp = new HashMap<>(common);
        mp.putAll(Map.of(MigratorConfig.STATE_DIR, dir.resolve("migrator").toString(),
                MigratorConfig.MAX_DECISIONS_PER_TRANSACTION, "16", MigratorConfig.RATE_LIMIT_MB_PER_SEC, "0"));

        EmulatorSamplerBackend sBackend = new EmulatorSamplerBackend(machine, machine,
                java.util.Set.of(SampleSource.EMULATOR), clock);
        SamplerService sampler = new SamplerService(new SamplerConfig(sp), sBackend, serdes,
                new SimpleMeterRegistry(), clock);
        EmulatorMigrationTarget target = new EmulatorMigrationTarget(machine, machine);
        MigratorConfig mcfg = new MigratorConfig(mp);
        MigratorService[] migrator = {new MigratorService(mcfg, target, serdes, new SimpleMeterRegistry(), clock)};
        MigratorService first = migrator[0];
        AtomicInteger nonEmpty = new AtomicInteger();
        first.afterExecute = () -> {
            if (nonEmpty.incrementAndGet() == 3) {
                throw new MigratorRestartIT.SimulatedCrash();
            }
        };
        boolean crashed = false;
        int crashEpoch = -1;
        SplittableRandom rnd = new SplittableRandom(7);
        Properties probeProps = cluster.clientProperties();
        probeProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int epochs = 0;
        int hotOnFast = 0;
        try (HotnessApp hotness = new HotnessApp(new HotnessConfig(hp), serdes).start();
             KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(probeProps, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            sampler.start();
            first.start();
            int settle = -1;
            for (int e = 0; e < MAX_EPOCHS && settle != 0; e++, epochs++) {
                // the epoch in sampler intervals: accesses, then the interval's samples at its end
                for (int k = 1; k <= INTERVALS_PER_EPOCH; k++) {
                    synchronized (machine) {
                        for (int i = 0; i < ACCESSES_PER_EPOCH / INTERVALS_PER_EPOCH; i++) {
                            int page = rnd.nextInt(10) < 9 ? HOT_FROM + rnd.nextInt(HOT_PAGES) : rnd.nextInt(PAGES);
                            machine.access(PID, va(page));
                        }
                    }
                    clock.set(startMs + e * EPOCH_MS + k * EPOCH_MS / INTERVALS_PER_EPOCH);
                    sampler.runOnce();
                }
                awaitCaughtUp(cluster, probe, appId);
                try {
                    drain(migrator[0]);
                } catch (MigratorRestartIT.SimulatedCrash crash) {
                    assertTrue(!crashed, "crashes only once");
                    crashed = true;
                    crashEpoch = e;
                    migrator[0] = new MigratorService(mcfg, target, serdes, new SimpleMeterRegistry(), clock);
                    migrator[0].start();
                    drain(migrator[0]);
                }
                hotOnFast = 0;
                for (int i = HOT_FROM; i < HOT_FROM + HOT_PAGES; i++) {
                    hotOnFast += target.nodeOfPfn(target.resolve(PID, va(i))) == 0 ? 1 : 0;
                }
                if (settle < 0 && crashed && hotOnFast >= HOT_PAGES * 9 / 10) {
                    settle = 3;     // a few more epochs: the migrator's PfnMoves outlive the sampler's grace
                } else if (settle > 0) {
                    settle--;
                }
            }
            assertTrue(crashed, "the migrator should have crashed on its 3rd batch");
            assertEquals(org.apache.kafka.streams.KafkaStreams.State.RUNNING, hotness.streams().state(),
                    "the hotness app ran through");
            assertTrue(hotOnFast >= HOT_PAGES * 9 / 10, "hot pages in DRAM after " + epochs + " epochs: "
                    + hotOnFast + "/" + HOT_PAGES);
            assertEquals(0, sampler.tracker().pendingMoves(), "every frame change the sampler saw is explained");

            List<MigrationResult> results = MigratorRestartIT.readAll(cluster, Topics.RESULTS, serdes).stream()
                    .map(v -> (MigrationResult) v).filter(r -> HOST.equals(r.getHost())).toList();
            Map<String, Long> movedPerDecision = results.stream().filter(r -> r.getStatus() == MigrationStatus.MOVED)
                    .collect(Collectors.groupingBy(MigrationResult::getDecisionId, Collectors.counting()));
            assertTrue(movedPerDecision.values().stream().allMatch(n -> n == 1),
                    "a decision executed twice: " + movedPerDecision);
            assertEquals(movedPerDecision.size(), machineMigratorMoves.get(),
                    "every page move on the machine is one committed MOVED result, none twice");
            List<PfnMove> moves = MigratorRestartIT.readAll(cluster, Topics.PFN_MOVES, serdes).stream()
                    .map(v -> (PfnMove) v).filter(m -> HOST.equals(m.getHost())).toList();
            assertEquals(movedPerDecision.size(), moves.stream().filter(m -> m.getCause() == MoveCause.MIGRATOR)
                    .count(), "one PfnMove per executed decision");
            assertEquals(0, moves.stream().filter(m -> m.getCause() == MoveCause.KERNEL).count(),
                    "the sampler saw the migrator's moves come back and did not report them as kernel moves");
            Map<MigrationStatus, Long> statuses = results.stream()
                    .collect(Collectors.groupingBy(MigrationResult::getStatus, Collectors.counting()));
            System.out.printf("AgentsLockstepIT: %d epochs (crash in epoch %d), %d results %s, %d/%d hot pages "
                    + "in DRAM, %d page moves%n", epochs, crashEpoch, results.size(), statuses, hotOnFast,
                    HOT_PAGES, machineMigratorMoves.get());
        } finally {
            migrator[0].close();
            if (first != migrator[0]) {
                first.close();
            }
            sampler.close();
        }
    }

    /** The lockstep drain the demo uses: the host's decision partition up to its end. */
    static void drain(MigratorService m) {
        m.drain(DRAIN_POLL, CATCH_UP);
    }

    /**
     * Waits until the hotness app's consumer group has committed every partition it reads (inputs and its own
     * repartition topics) up to the last stable offset: every decision for what was published is out.
     */
    static void awaitCaughtUp(LocalCluster cluster, KafkaConsumer<byte[], byte[]> probe, String appId)
            throws Exception {
        List<String> inputs = List.of(Topics.PAGE_ACCESS.name(), Topics.PAGE_OWNERS.name(),
                Topics.NODE_STATS.name(), Topics.PFN_MOVES.name());
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = cluster.admin().listConsumerGroupOffsets(appId)
                    .partitionsToOffsetAndMetadata().get();
            Set<TopicPartition> parts = new HashSet<>(committed.keySet());
            for (String t : inputs) {
                probe.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            Map<TopicPartition, Long> end = probe.endOffsets(parts);
            boolean caughtUp = end.entrySet().stream().allMatch(x -> {
                OffsetAndMetadata c = committed.get(x.getKey());
                return x.getValue() == 0 || (c != null && c.offset() >= x.getValue());
            });
            if (caughtUp) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("hotness did not catch up within " + CATCH_UP + ": committed " + committed
                        + " end " + end);
            }
            Thread.sleep(50);
        }
    }
}
