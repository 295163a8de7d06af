package io.thermocline.cli.demo;

import io.thermocline.emulator.Machine;
import io.thermocline.emulator.policy.PlacementPolicy;
import io.thermocline.emulator.policy.PolicyRegistry;
import io.thermocline.emulator.run.Emulation;
import io.thermocline.emulator.run.EmulationConfig;
import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.emulator.workload.Workload;
import io.thermocline.emulator.workload.Workloads;
import io.thermocline.migrator.MigratorConfig;
import io.thermocline.sampler.SamplerConfig;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulated fleet driven through the real pipeline: one {@link Emulation} per host runs the baselines
 * and the oracle on their own machine copies, plus {@link PipelinePolicy}, whose machine is sampled and
 * migrated by the host's real sampler and migrator services through Kafka. In lockstep mode every host
 * publishes epoch e, the fleet waits until the hotness app has processed everything, every migrator
 * applies what was decided, and only then does epoch e+1 run.
 */
public final class Fleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);
    /** Workloads assigned to hosts in turn. */
    public static final List<String> MIXED_WORKLOADS = List.of("gups-hotset", "zipf", "phase-shift", "uniform");
    static final Duration BARRIER_TIMEOUT = Duration.ofMinutes(3);

    /** What to run. */
    public record Settings(int hosts, List<String> workloads, int footprintPages, double fastRatio, int epochs,
                           long seed, long epochMs, int accessesPerEpoch, boolean lockstep, String baselines,
                           Path workDir) {
        public Settings {
            if (hosts < 1) {
                throw new IllegalArgumentException("hosts must be >= 1, got " + hosts);
            }
            workloads = List.copyOf(workloads);
        }

        String workloadOf(int host) {
            return workloads.get(host % workloads.size());
        }
    }

    private final Settings settings;
    private final String bootstrap;
    private final String registryUrl;
    private final SerdeFactory serdes;
    private final StreamsQuiescence quiescence;
    private final long startMs;
    private final CyclicBarrier published;
    private final CyclicBarrier applied;
    private final Map<String, HostAgents> agents = new ConcurrentHashMap<>();
    private final List<Emulation> emulations = new ArrayList<>();
    private volatile long wallStartNs;
    private volatile java.util.function.Consumer<HostAgents> onStart = a -> { };

    public Fleet(Settings settings, String bootstrap, String registryUrl, SerdeFactory serdes,
                 StreamsQuiescence quiescence) {
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.serdes = serdes;
        this.quiescence = quiescence;
        // aligned to the epoch, so the hotness windows (multiples of the window size) line up with the epochs the
        // same way in every run: lockstep runs are then identical, event-time latencies included
        this.startMs = Math.floorDiv(System.currentTimeMillis(), settings.epochMs()) * settings.epochMs();
        this.published = new CyclicBarrier(settings.hosts(), this::awaitHotness);
        // the hotness app also takes in the migrators' PFN moves before the next epoch's samples arrive,
        // so it never decides on frames that have already moved
        this.applied = new CyclicBarrier(settings.hosts(), this::awaitHotness);
    }

    public static String hostName(int i) {
        return "host-" + i;
    }

    boolean lockstep() {
        return settings.lockstep();
    }

    long startMs() {
        return startMs;
    }

    long epochMs() {
        return settings.epochMs();
    }

    SerdeFactory serdes() {
        return serdes;
    }

    /** Runs every host to the end; one report per host, in host order. */
    public List<EmulationReport> run() throws Exception {
        List<Emulation> runs = new ArrayList<>();
        for (int i = 0; i < settings.hosts(); i++) {
            runs.add(emulation(i));
        }
        emulations.addAll(runs);
        wallStartNs = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(settings.hosts(), r -> {
            Thread t = new Thread(r, "fleet-host");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<EmulationReport>> fs = new ArrayList<>();
            for (Emulation e : runs) {
                fs.add(pool.submit(e::run));
            }
            List<EmulationReport> out = new ArrayList<>();
            for (Future<EmulationReport> f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (java.util.concurrent.ExecutionException e) {
            published.reset();
            applied.reset();
            throw e.getCause() instanceof Exception ex ? ex : e;
        } finally {
            pool.shutdownNow();
        }
    }

    private Emulation emulation(int i) throws java.io.IOException {
        String host = hostName(i);
        EmulationConfig base = EmulationConfig.of(List.of(settings.workloadOf(i)), settings.footprintPages(),
                settings.fastRatio(), settings.epochs(), settings.seed() + i);
        EmulationConfig cfg = new EmulationConfig(host, base.workloads(), base.footprintPages(), base.fastRatio(),
                base.epochs(), settings.accessesPerEpoch(), settings.epochMs(), base.seed(), base.hotFraction(),
                base.hotProbability(), base.zipfExponent(), base.phaseEpochs(), base.chmuTopN(),
                base.kernelMovesPerSec(), base.thp(), base.pins(), base.cost(), 1, true);
        List<Workload> ws = List.of(Workloads.create(settings.workloadOf(i), cfg.workloadParams(), 0));
        List<PlacementPolicy> policies = new ArrayList<>(settings.baselines() == null || settings.baselines().isBlank()
                ? List.of() : new PolicyRegistry().create(settings.baselines()));
        Emulation[] self = new Emulation[1];
        policies.add(new PipelinePolicy(host, () -> self[0].machineOf(PipelinePolicy.NAME), this));
        self[0] = new Emulation(cfg, ws, policies);
        return self[0];
    }

    HostAgents startAgents(String host, Machine machine) {
        Map<String, Object> common = Map.of(SamplerConfig.BOOTSTRAP_SERVERS, bootstrap,
                SamplerConfig.SCHEMA_REGISTRY_URL, registryUrl, SamplerConfig.HOST_ID, host, "metrics.port", "-1");
        Map<String, Object> sp = new HashMap<>(common);
        sp.put(SamplerConfig.SCAN_SIZE_PAGES, Long.toString(Math.max(4096, machine.slotCount() * 2L)));
        sp.put(SamplerConfig.NODE_STATS_INTERVAL_MS, Long.toString(settings.epochMs()));
        sp.put(SamplerConfig.KERNEL_MOVE_GRACE_MS, Long.toString(settings.epochMs() * 3));
        Map<String, Object> mp = new HashMap<>(common);
        mp.put(MigratorConfig.STATE_DIR, settings.workDir().resolve("migrator-" + host).toString());
        mp.put(MigratorConfig.POLL_TIMEOUT_MS, "100");
        mp.put(MigratorConfig.RATE_LIMIT_MB_PER_SEC, "4000");
        mp.put(MigratorConfig.RATE_LIMIT_BURST_MB, "4000");
        HostAgents a = new HostAgents(host, machine, this, sp, mp);
        onStart.accept(a);
        agents.put(host, a);
        LOG.info("{}: sampler and migrator started", host);
        return a;
    }

    void awaitPublished(String host) throws Exception {
        await(published, host);
    }

    void awaitApplied(String host) throws Exception {
        await(applied, host);
    }

    private static void await(CyclicBarrier b, String host) throws Exception {
        try {
            b.await(BARRIER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException(host + ": another host failed, stopping", e);
        }
    }

    /** Barrier action: the hotness app has consumed and committed everything published so far. */
    private void awaitHotness() {
        try {
            quiescence.await(Set.of(Topics.PAGE_ACCESS.name(), Topics.PAGE_OWNERS.name(), Topics.NODE_STATS.name(),
                    Topics.PFN_MOVES.name()), BARRIER_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the hotness app", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Real-time mode: epoch e ends no earlier than its wall-clock deadline; until then {@code poll} runs with the
     * time left (at most 50 ms a call), so a host's migrator applies decisions as they come, as its daemon does,
     * not only at epoch boundaries.
     */
    void pace(long e, Consumer<Duration> poll) throws InterruptedException {
        long due = wallStartNs + (e + 1) * settings.epochMs() * 1_000_000L;
        long wait;
        while ((wait = due - System.nanoTime()) > 1_000_000L) {
            poll.accept(Duration.ofNanos(Math.min(wait, 50_000_000L)));
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Called with each host's agents when they start (before their first epoch boundary). */
    public void onAgentsStarted(java.util.function.Consumer<HostAgents> c) {
        this.onStart = c;
    }

    /** Live view for the progress line. */
    public Map<String, HostAgents> agents() {
        return agents;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        agents.values().forEach(HostAgents::close);
    }
}
