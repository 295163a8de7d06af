package io.thermocline.cli.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thermocline.metrics.ThermoclineMetrics;
import io.thermocline.emulator.EmulatedClock;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.sample.SampleSource;
import io.thermocline.migrator.MigratorConfig;
import io.thermocline.migrator.MigratorService;
import io.thermocline.migrator.emulator.EmulatorMigrationTarget;
import io.thermocline.sampler.SamplerConfig;
import io.thermocline.sampler.SamplerService;
import io.thermocline.sampler.emulator.EmulatorSamplerBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One emulated host's sampler and migrator services, driven at the emulator's epoch boundaries. */
public final class HostAgents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostAgents.class);
    private static final Duration DRAIN_POLL = Duration.ofMillis(150);
    private static final Duration DRAIN_MAX = Duration.ofSeconds(60);

    private final String host;
    private final Machine machine;
    private final Fleet fleet;
    private final EmulatedClock clock;
    private final SamplerService sampler;
    private final MigratorService migrator;
    private final SimpleMeterRegistry migratorMeters = new SimpleMeterRegistry();
    private final AtomicLong fastHits = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private volatile long epoch = -1;
    private volatile io.thermocline.report.PageHeatmapCollector heatmap;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    HostAgents(String host, Machine machine, Fleet fleet, Map<String, Object> samplerProps,
               Map<String, Object> migratorProps) {
        this.host = host;
        this.machine = machine;
        this.fleet = fleet;
        this.clock = fleet.lockstep() ? new EmulatedClock(fleet.startMs()) : null;
        Clock c = clock != null ? clock : Clock.systemUTC();
        EmulatorSamplerBackend backend = new EmulatorSamplerBackend(machine, machine,
                Set.of(SampleSource.PEBS), c);
        this.sampler = new SamplerService(new SamplerConfig(samplerProps), backend, fleet.serdes(),
                new SimpleMeterRegistry(), c);
        this.migrator = new MigratorService(new MigratorConfig(migratorProps),
                new EmulatorMigrationTarget(machine, machine), fleet.serdes(), migratorMeters, c);
        sampler.start();
        migrator.start();
    }

    /** Called on the emulator's thread at the end of {@code e}, before epoch e+1 runs. */
    void epochBoundary(long e) throws Exception {
        epoch = e;
        if (e >= 0) {
            long f = 0;
            long all = 0;
            for (int n = 0; n < machine.nodeCount(); n++) {
                long h = machine.nodeHits(n);
                all += h;
                if (machine.isFast(n)) {
                    f += h;
                }
            }
            fastHits.addAndGet(f);
            hits.addAndGet(all);
            recordHeatmap((int) e);
        }
        if (clock != null) {
            clock.set(fleet.startMs() + (e + 1) * fleet.epochMs());
        }
        synchronized (machine) {
            samples.addAndGet(sampler.runOnce().samples());
        }
        if (fleet.lockstep()) {
            fleet.awaitPublished(host);      // every host published; the hotness app has caught up
            drainMigrator();
            fleet.awaitApplied(host);        // every host applied its decisions before the next epoch
        } else {
            migrator.pollOnce(Duration.ZERO);
            drainMigrator();
            fleet.pace(e, migrator::pollOnce);
        }
    }

    /** Keeps the hottest pages of this epoch, with the tier they were accessed in, for the report. */
    public void collectHeatmap(io.thermocline.report.PageHeatmapCollector collector) {
        this.heatmap = collector;
    }

    private void recordHeatmap(int e) {
        io.thermocline.report.PageHeatmapCollector h = heatmap;
        if (h == null) {
            return;
        }
        int slots = machine.slotCount();
        int[] counts = new int[slots];
        int[] tier = new int[slots];
        for (int s = 0; s < slots; s++) {
            long pfn = machine.pfnOfSlot(s);
            counts[s] = pfn < 0 ? 0 : machine.epochCount(pfn);
            tier[s] = pfn < 0 ? -1 : machine.isFast(machine.nodeOfPfn(pfn)) ? 0 : 1;
        }
        h.epoch(e, counts, s -> tier[s]);
    }

    private void drainMigrator() {
        // to the end of the host's decision partition: polls full of other hosts' decisions are not "idle"
        migrator.drain(DRAIN_POLL, DRAIN_MAX);
    }

    public String host() {
        return host;
    }

    public long epoch() {
        return epoch;
    }

    public long samplesPublished() {
        return samples.get();
    }

    /** Decisions this host's migrator has answered (any status). */
    public long decisions() {
        return (long) migratorMeters.find(ThermoclineMetrics.RESULTS).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    public long moved() {
        return (long) migratorMeters.find(ThermoclineMetrics.RESULTS)
                .tag(ThermoclineMetrics.TAG_STATUS, "MOVED").counters().stream().mapToDouble(Counter::count).sum();
    }

    public double fastRatio() {
        long h = hits.get();
        return h == 0 ? 0 : (double) fastHits.get() / h;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            migrator.close();
        } catch (RuntimeException e) {
            LOG.warn("closing migrator of {}: {}", host, e.toString());
        }
        try {
            sampler.close();
        } catch (Exception e) {
            LOG.warn("closing sampler of {}: {}", host, e.toString());
        }
    }
}
