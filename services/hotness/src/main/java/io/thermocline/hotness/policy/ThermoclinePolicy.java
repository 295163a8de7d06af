package io.thermocline.hotness.policy;

import io.thermocline.avro.decision.MigrationDecision;
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
import io.thermocline.emulator.EmuProcess;
import io.thermocline.emulator.policy.Decision;
import io.thermocline.emulator.policy.EpochInput;
import io.thermocline.emulator.policy.MachineView;
import io.thermocline.emulator.policy.Pin;
import io.thermocline.emulator.policy.PlacementPolicy;
import io.thermocline.emulator.policy.PolicyContext;
import io.thermocline.emulator.policy.Reason;
import io.thermocline.emulator.sample.SampleBatch;
import io.thermocline.emulator.sample.SampleSource;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.RegistrySerdes;
import io.thermocline.hotness.StreamsProperties;
import io.thermocline.registry.InMemorySchemaRegistryClient;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The {@code thermocline} emulator policy: runs the real {@link HotnessTopology} in-process
 * (TopologyTestDriver, real Avro wire-format serdes on an in-memory registry, real RocksDB stores) on the
 * emulator's PEBS-like samples. Each epoch it publishes what the sampler and migrator services would
 * (node stats, page owners, PFN moves, access batches), advances stream time past the epoch's window, and
 * returns the decisions the topology wrote to tc.decisions.
 *
 * <p>Config: the hotness defaults with emulator-friendly overrides below; any key can be overridden with
 * a {@code TC_HOTNESS_*} environment variable, e.g. {@code TC_HOTNESS_PROMOTE_MIN_HOT_WINDOWS=1}.
 */
public final class ThermoclinePolicy implements PlacementPolicy {

    public static final String NAME = "thermocline";
    private static final int PEBS_PERIOD = 8;

    /** Decision parameters {@link #emulatorDefaults} tunes for emulated hosts (the rest is plumbing). */
    public static final Set<String> EMULATOR_POLICY_KEYS = Set.of(HotnessConfig.CANDIDATES_PER_BLOCK,
            HotnessConfig.DECAY_FACTOR, HotnessConfig.PROMOTE_MIN_HOT_WINDOWS, HotnessConfig.COOLDOWN_WINDOWS,
            HotnessConfig.FAST_HEADROOM, HotnessConfig.DEMOTE_MAX_HEAT_RATIO, HotnessConfig.RATE_LIMIT_MBPS);

    /** Settings for the emulated host: whole blocks as candidates, one window per epoch. */
    public static Map<String, Object> emulatorDefaults(long epochMs) {
        Map<String, Object> m = new HashMap<>();
        m.put(HotnessConfig.APPLICATION_ID, "thermocline-emulator");
        m.put(HotnessConfig.WINDOW_MS, epochMs);
        m.put(HotnessConfig.WINDOW_GRACE_MS, 0L);
        m.put(HotnessConfig.PARTITIONS, 1);
        m.put(HotnessConfig.HTTP_PORT, 0);
        m.put(HotnessConfig.CANDIDATES_PER_BLOCK, 512);
        // same topology and processors; in-memory stores because the driver commits after every record
        // (TC_HOTNESS_STORE_TYPE=rocksdb runs it on RocksDB)
        m.put(HotnessConfig.STORE_TYPE, HotnessConfig.STORE_IN_MEMORY);
        m.put(HotnessConfig.DECAY_FACTOR, 0.75);
        m.put(HotnessConfig.PROMOTE_MIN_HOT_WINDOWS, 1);
        m.put(HotnessConfig.COOLDOWN_WINDOWS, 2);
        m.put(HotnessConfig.FAST_HEADROOM, 0.0);
        m.put(HotnessConfig.DEMOTE_MAX_HEAT_RATIO, 0.75);
        m.put(HotnessConfig.RATE_LIMIT_MBPS, 4000.0);
        return m;
    }

    private PolicyContext ctx;
    private HotnessConfig config;
    private TopologyTestDriver driver;
    private Path stateDir;
    private String scope;
    private long windowMs;
    private TestInputTopic<PfnBlockKey, PageAccessBatch> access;
    private TestInputTopic<PfnKey, PageOwner> owners;
    private TestInputTopic<HostKey, PfnMove> moves;
    private TestInputTopic<NodeKey, NodeStats> nodes;
    private TestInputTopic<PinKey, PolicyPin> pins;
    private TestOutputTopic<HostKey, MigrationDecision> decisions;
    /** Frame each slot was last published with (-1 = not mapped). */
    private long[] knownPfn = new long[0];

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<SampleSource> sources() {
        return Set.of(SampleSource.PEBS);
    }

    @Override
    public int pebsPeriod() {
        return PEBS_PERIOD;
    }

    @Override
    public void init(PolicyContext ctx) {
        this.ctx = ctx;
        this.windowMs = Math.max(1, ctx.epochNs() / 1_000_000);
        try {
            stateDir = Files.createTempDirectory("thermocline-policy");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> props = emulatorDefaults(windowMs);
        props.put(HotnessConfig.STATE_DIR, stateDir.toString());
        config = HotnessConfig.fromEnv(props, System.getenv());
        scope = "thermocline-policy-" + UUID.randomUUID();
        RegistrySerdes serdes = RegistrySerdes.inMemory(scope);
        driver = new TopologyTestDriver(HotnessTopology.build(new StreamsBuilder(), config, serdes).build(),
                StreamsProperties.of(config, serdes), Instant.ofEpochMilli(0));
        access = in(Topics.PAGE_ACCESS, serdes);
        owners = in(Topics.PAGE_OWNERS, serdes);
        moves = in(Topics.PFN_MOVES, serdes);
        nodes = in(Topics.NODE_STATS, serdes);
        pins = in(Topics.POLICY_PINS, serdes);
        decisions = driver.createOutputTopic(Topics.DECISIONS.name(), Topics.DECISIONS.keySerde(serdes).deserializer(),
                Topics.DECISIONS.valueSerde(serdes).deserializer());
        for (Pin p : ctx.pins().pins()) {
            pins.pipeInput(new PinKey(p.id()), pin(p), 0L);
        }
    }

    private <K extends SpecificRecord, V extends SpecificRecord> TestInputTopic<K, V> in(TopicSpec<K, V> spec,
                                                                                         RegistrySerdes serdes) {
        return driver.createInputTopic(spec.name(), spec.keySerde(serdes).serializer(),
                spec.valueSerde(serdes).serializer());
    }

    /** Stream time of the start of an epoch's window (epoch -1 starts at 0). */
    private long startOf(long epoch) {
        return (epoch + 1) * windowMs;
    }

    @Override
    public List<Decision> decide(EpochInput in) {
        String host = in.view().host();
        long start = startOf(in.epoch());
        long end = startOf(in.epoch() + 1);
        for (io.thermocline.emulator.policy.NodeStats n : in.nodeStats()) {
            nodes.pipeInput(new NodeKey(host, n.node()), nodeStats(n, start), start);
        }
        for (io.thermocline.emulator.PfnMove m : in.moves()) {
            long t = Math.min(end - 1, Math.max(start, startOf(-1) + m.timeNs() / 1_000_000));
            moves.pipeInput(new HostKey(host), move(in.view(), m, t), t);
        }
        publishOwners(in.view(), start);
        for (SampleBatch b : in.samples()) {
            access.pipeInput(new PfnBlockKey(host, b.block()), batch(b, start), start);
        }
        tick(host, start, end);
        List<Decision> out = new ArrayList<>();
        for (MigrationDecision d : decisions.readValuesToList()) {
            out.add(new Decision(d.getPid(), d.getVaddr(), d.getPfn(), d.getToNode(), Reason.valueOf(d.getReason().name()),
                    false, d.getScore()));
        }
        return out;
    }

    /** The host's end-of-window marker, as the sampler sends it: closes the window, stage 2 evaluates the host. */
    private void tick(String host, long start, long end) {
        PageAccessBatch m = PageAccessBatch.newBuilder().setHost(host).setSource(AccessSource.EMULATOR)
                .setNode(-1).setBlock(0).setBlockShift(config.blockShift()).setWindowStartMs(Instant.ofEpochMilli(start))
                .setWindowEndMs(Instant.ofEpochMilli(end)).setEntries(List.of()).setWindowComplete(true).build();
        access.pipeInput(new PfnBlockKey(host, 0L), m, start);
    }

    /** Publishes owners of frames that changed since the last epoch other than by a PfnMove (first touch). */
    private void publishOwners(MachineView v, long t) {
        int slots = v.slotCount();
        if (knownPfn.length < slots) {
            int old = knownPfn.length;
            knownPfn = Arrays.copyOf(knownPfn, slots);
            Arrays.fill(knownPfn, old, slots, -1);
        }
        String host = v.host();
        for (int s = 0; s < slots; s++) {
            long pfn = v.pfnOfSlot(s);
            if (pfn == knownPfn[s]) {
                continue;
            }
            knownPfn[s] = pfn;
            if (pfn < 0) {
                continue;
            }
            EmuProcess p = v.processOfSlot(s);
            if (p == null) {
                continue;
            }
            owners.pipeInput(new PfnKey(host, pfn), PageOwner.newBuilder().setHost(host).setPfn(pfn).setPid(p.pid())
                    .setVaddr(v.vaOfSlot(s)).setComm(p.name()).setNode(v.nodeOfPfn(pfn)).setFolioOrder(0)
                    .setUpdatedMs(Instant.ofEpochMilli(t)).build(), t);
        }
    }

    private PfnMove move(MachineView v, io.thermocline.emulator.PfnMove m, long t) {
        int slot = v.slotOfPfn(m.newPfn());
        if (slot >= 0 && slot < knownPfn.length) {
            knownPfn[slot] = m.newPfn(); // the move re-keys the owner; no separate owner record needed
        }
        return PfnMove.newBuilder().setHost(m.host()).setOldPfn(m.oldPfn()).setNewPfn(m.newPfn()).setPid(m.pid())
                .setVaddr(m.vaddr()).setOldNode(v.nodeOfPfn(m.oldPfn())).setNewNode(v.nodeOfPfn(m.newPfn()))
                .setCause(m.cause() == io.thermocline.emulator.MoveCause.KERNEL ? MoveCause.KERNEL : MoveCause.MIGRATOR)
                .setTimeMs(Instant.ofEpochMilli(t)).build();
    }

    private NodeStats nodeStats(io.thermocline.emulator.policy.NodeStats n, long t) {
        int rank = tierRank(n.kind());
        return NodeStats.newBuilder().setHost(n.host()).setNode(n.node()).setTier(TierKind.valueOf(n.kind().name()))
                .setTierRank(rank).setCpuless(rank > 0).setCapacityPages(n.capacityPages())
                .setFreePages(Math.max(0, Math.min(n.freePages(), n.capacityPages())))
                .setLatencyNs((int) n.latencyNs()).setBandwidthMBps((int) (n.bandwidthGBps() * 1000))
                .setTimestampMs(Instant.ofEpochMilli(t)).build();
    }

    /** Memory-tier rank from the tier kind: DRAM 0, CXL 1, device memory 2. */
    static int tierRank(io.thermocline.emulator.TierKind kind) {
        return switch (kind) {
            case DRAM -> 0;
            case CXL -> 1;
            case DEVICE_COHERENT, DEVICE_PRIVATE -> 2;
        };
    }

    private PageAccessBatch batch(SampleBatch b, long start) {
        List<PageAccess> entries = new ArrayList<>(b.size());
        for (int i = 0; i < b.size(); i++) {
            entries.add(new PageAccess(b.pfns()[i], b.counts()[i]));
        }
        return PageAccessBatch.newBuilder().setHost(b.host()).setSource(AccessSource.valueOf(b.source().name()))
                .setNode(b.node()).setBlock(b.block()).setBlockShift(b.blockShift())
                .setWindowStartMs(Instant.ofEpochMilli(start)).setWindowEndMs(Instant.ofEpochMilli(start + windowMs))
                .setEpoch(b.epoch()).setSampleRate(Math.max(1, b.sampleRate())).setEntries(entries).build();
    }

    private static PolicyPin pin(Pin p) {
        PinSelector sel = PinSelector.newBuilder().setPid(p.pid() == Pin.ANY_PID ? null : p.pid())
                .setVaStart(p.vaStart() == 0 ? null : p.vaStart()).setVaEnd(p.vaEnd() == -1L ? null : p.vaEnd()).build();
        return PolicyPin.newBuilder().setPinId(p.id()).setHost("*").setSelector(sel)
                .setWantedTier(p.wantedTier() == null ? null : TierKind.valueOf(p.wantedTier().name()))
                .setWantedNode(p.wantedNode() < 0 ? null : p.wantedNode()).setReason("emulator pin")
                .setCreatedMs(Instant.ofEpochMilli(0)).build();
    }

    @Override
    public void close() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
        InMemorySchemaRegistryClient.dropScope(scope);
        if (stateDir != null) {
            try (Stream<Path> walk = Files.walk(stateDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
