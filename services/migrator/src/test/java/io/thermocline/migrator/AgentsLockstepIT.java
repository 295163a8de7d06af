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
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole per-host loop through the real broker and registry: an emulated host runs a hot-set workload with its
 * hot pages on the CXL node; the sampler publishes samples, owners and node stats; the hotness app (Kafka Streams)
 * decides; the migrator applies the decisions and its PFN moves flow back to the sampler and the hotness app. The
 * migrator crashes mid-run (after moving a batch, before committing it) and a new instance takes over: no decision
 * is executed twice, and the hot set ends up in DRAM.
 */
@ExtendWith(LocalClusterExtension.class)
class AgentsPipelineIT {

    static final String HOST = "emu-pipeline";
    static final int PID = 1000;
    static final long VA = 0x7f00_0000_0000L;
    static final int FAST_PAGES = 512;
    static final int PAGES = 1024;
    /** Hot set: 128 pages that first touch put on the CXL node. */
    static final int HOT_FROM = 768;
    static final int HOT_PAGES = 128;
    static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    static final long KERNEL_GRACE_MS = 2000;

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
    void samplerHotnessAndMigratorPromoteTheHotSetAcrossAMigratorRestart(LocalCluster cluster) throws Exception {
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
        Map<String, Object> common = Map.of("bootstrap.servers", cluster.bootstrapServers(),
                "schema.registry.url", cluster.registryUrl(), "host.id", HOST, "metrics.port", "-1");

        Map<String, Object> hp = new HashMap<>(common);
        hp.remove("host.id");
        hp.remove("metrics.port");
        hp.putAll(Map.of(HotnessConfig.APPLICATION_ID, "it-hotness-" + System.nanoTime(),
                HotnessConfig.STATE_DIR, dir.resolve("hotness").toString(), HotnessConfig.HTTP_PORT, "0",
                HotnessConfig.WINDOW_MS, "1000", HotnessConfig.WINDOW_GRACE_MS, "200",
                HotnessConfig.COMMIT_INTERVAL_MS, "100", HotnessConfig.DECISION_DEADLINE_MS, "20000"));
        Map<String, Object> sp = new HashMap<>(common);
        sp.putAll(Map.of(SamplerConfig.SCAN_PERIOD_MIN_MS, "250", SamplerConfig.SCAN_PERIOD_MAX_MS, "250",
                SamplerConfig.SCAN_PERIOD_INITIAL_MS, "250", SamplerConfig.NODE_STATS_INTERVAL_MS, "500",
                SamplerConfig.KERNEL_MOVE_GRACE_MS, Long.toString(KERNEL_GRACE_MS)));
        Map<String, Object> mp = new HashMap<>(common);
        mp.putAll(Map.of(MigratorConfig.STATE_DIR, dir.resolve("migrator").toString(),
                MigratorConfig.POLL_TIMEOUT_MS, "100", MigratorConfig.MAX_DECISIONS_PER_TRANSACTION, "16"));

        AtomicBoolean running = new AtomicBoolean(true);
        Thread workload = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(7);
            while (running.get()) {
                synchronized (machine) {
                    for (int i = 0; i < 4000; i++) {
                        int page = rnd.nextInt(10) < 9 ? HOT_FROM + rnd.nextInt(HOT_PAGES) : rnd.nextInt(PAGES);
                        machine.access(PID, va(page));
                    }
                }
                sleep(5);
            }
        }, "workload");

        EmulatorSamplerBackend sBackend = new EmulatorSamplerBackend(machine, machine,
                java.util.Set.of(SampleSource.EMULATOR), Clock.systemUTC());
        SamplerService sampler = new SamplerService(new SamplerConfig(sp), sBackend, serdes,
                new SimpleMeterRegistry(), Clock.systemUTC());
        EmulatorMigrationTarget target = new EmulatorMigrationTarget(machine, machine);
        MigratorConfig mcfg = new MigratorConfig(mp);
        MigratorService m1 = new MigratorService(mcfg, target, serdes, new SimpleMeterRegistry(), Clock.systemUTC());
        AtomicInteger nonEmpty = new AtomicInteger();
        AtomicReference<Throwable> m1Death = new AtomicReference<>();
        m1.afterExecute = () -> {
            if (nonEmpty.incrementAndGet() == 3) {
                throw new MigratorRestartIT.SimulatedCrash();
            }
        };
        MigratorService m2 = null;
        Thread t2 = null;
        try (HotnessApp hotness = new HotnessApp(new HotnessConfig(hp), serdes).start()) {
            sampler.start();
            m1.start();
            Thread ts = new Thread(() -> {
                try {
                    sampler.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sampler");
            Thread t1 = new Thread(() -> {
                try {
                    m1.run();
                } catch (Throwable e) {
                    m1Death.set(e);
                }
            }, "migrator-1");
            workload.start();
            ts.start();
            t1.start();

            long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
            while (m1Death.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(m1Death.get() instanceof MigratorRestartIT.SimulatedCrash,
                    "migrator 1 should have crashed on its 3rd batch, got " + m1Death.get());
            m2 = new MigratorService(mcfg, target, serdes, new SimpleMeterRegistry(), Clock.systemUTC());
            m2.start();
            t2 = new Thread(m2::run, "migrator-2");
            t2.start();

            int hotOnFast = 0;
            while (System.nanoTime() < deadline) {
                hotOnFast = 0;
                for (int i = HOT_FROM; i < HOT_FROM + HOT_PAGES; i++) {
                    hotOnFast += target.nodeOfPfn(target.resolve(PID, va(i))) == 0 ? 1 : 0;
                }
                if (hotOnFast >= HOT_PAGES * 9 / 10) {
                    break;
                }
                Thread.sleep(500);
            }
            running.set(false);
            sampler.stop();
            m2.stop();
            t2.join(10_000);
            ts.join(10_000);
            workload.join(10_000);
            assertTrue(hotOnFast >= HOT_PAGES * 9 / 10, "hot pages in DRAM: " + hotOnFast + "/" + HOT_PAGES);
            // let every frame change the sampler saw outlive its grace: unexplained ones would now be KERNEL moves
            Thread.sleep(KERNEL_GRACE_MS + 500);
            sampler.runOnce();
            Thread.sleep(500);
            sampler.runOnce();
            assertEquals(0, sampler.tracker().pendingMoves());

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
            long migratorMoves = moves.stream().filter(m -> m.getCause() == MoveCause.MIGRATOR).count();
            assertEquals(movedPerDecision.size(), migratorMoves, "one PfnMove per executed decision");
            assertEquals(0, moves.stream().filter(m -> m.getCause() == MoveCause.KERNEL).count(),
                    "the sampler saw the migrator's moves come back and did not report them as kernel moves");
            Map<MigrationStatus, Long> statuses = results.stream()
                    .collect(Collectors.groupingBy(MigrationResult::getStatus, Collectors.counting()));
            System.out.printf("AgentsPipelineIT: %d results %s, %d hot pages in DRAM, %d sampler intervals%n",
                    results.size(), statuses, hotOnFast, sampler.intervals());
        } finally {
            running.set(false);
            sampler.stop();
            if (m2 != null) {
                m2.stop();
                if (t2 != null) {
                    t2.join(10_000);
                }
                m2.close();
            }
            m1.close();
            sampler.close();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
