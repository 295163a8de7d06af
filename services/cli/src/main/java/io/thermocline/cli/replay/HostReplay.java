package io.thermocline.cli.replay;

import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.cli.replay.PageHistory.PageId;
import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.EmuProcess;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.MoveStatus;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.TierKind;
import io.thermocline.emulator.sample.SampleBatch;
import io.thermocline.emulator.sample.SampleSource;
import io.thermocline.emulator.sample.Samplers;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.RegistrySerdes;
import io.thermocline.hotness.StreamsProperties;
import io.thermocline.registry.InMemorySchemaRegistryClient;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Replays one host: the actual side from the retained records, the what-if side on an emulator machine copy
 * driven window by window through the real hotness topology (in-process, TopologyTestDriver) under the
 * what-if config. Single-threaded and deterministic for the same input.
 */
final class HostReplay {

    /** Heartbeat host that moves the driver's stream time (the emulator policy does the same). */
    private static final long NS_PER_MS = 1_000_000L;
    private static final double DEFAULT_DEVICE_NS = 400.0;
    private static final double DEFAULT_GBPS = 10.0;
    /** Frames the emulator copy may model per host (its per-frame arrays cost ~13 bytes each). */
    static final long MAX_FRAMES = 64L << 20;

    private final String host;
    private final ReplayInput in;
    private final HotnessConfig cfg;
    private final String scope;
    private final ReplayEngine.Progress progress;

    // node descriptions (from tc.node-stats), by node id
    private final TreeMap<Integer, NodeStats> nodeDesc = new TreeMap<>();
    private final PageHistory history = new PageHistory();
    private PinRules pinRules;
    private Machine m;
    private final Map<PageId, int[]> placed = new HashMap<>();
    /** Identities with a known first appearance, by that time (placed as the replay reaches it). */
    private List<PageId> arrivals;
    private int nextArrival;
    private long[] knownPfn = new long[0];
    private final List<io.thermocline.emulator.PfnMove> whatIfMoves = new ArrayList<>();
    /**
     * Event time is shifted by this (a multiple of the window advance, so windows stay aligned) before it enters
     * the driver: emit-on-close window stores scan their segments from time 0 on the first close, which costs
     * seconds at epoch-millisecond times. Every rule of the topology depends on time differences only.
     */
    private long base;

    // metrics
    private long actualAcc;
    private long actualFast;
    private long whatIfAcc;
    private long whatIfFast;
    private long unresolved;
    private long stale;
    private long pinRefused;
    private long decisionCount;

    HostReplay(String host, ReplayInput in, HotnessConfig cfg, String scope, ReplayEngine.Progress progress) {
        this.host = host;
        this.in = in;
        this.cfg = cfg;
        this.scope = scope;
        this.progress = progress;
    }

    ReplayResult.HostResult run() {
        TreeMap<Long, List<PageAccessBatch>> windows = new TreeMap<>();
        long batches = 0;
        for (PageAccessBatch b : in.batches) {
            if (host.equals(b.getHost())) {
                windows.computeIfAbsent(b.getWindowStartMs().toEpochMilli(), k -> new ArrayList<>()).add(b);
                batches++;
            }
        }
        if (windows.isEmpty()) {
            throw new IllegalStateException("no tc.page-access batches for host " + host);
        }
        for (NodeStats s : in.nodeStats.stream().filter(s -> host.equals(s.getHost()))
                .sorted(Comparator.comparing(NodeStats::getTimestampMs)).toList()) {
            nodeDesc.putIfAbsent(s.getNode(), s);
        }
        if (nodeDesc.isEmpty()) {
            throw new IllegalStateException("no tc.node-stats for host " + host + ": cannot build its emulator copy");
        }
        List<PfnMove> moves = in.moves.stream().filter(mv -> host.equals(mv.getHost()))
                .sorted(Comparator.comparing(PfnMove::getTimeMs)).toList();
        history.addAll(in.owners.stream().filter(o -> host.equals(o.key().getHost())).toList(), moves);
        pinRules = PinRules.of(host, in.pins);

        long first = windows.firstKey();
        Map.Entry<Long, List<PageAccessBatch>> lastW = windows.lastEntry();
        long lastEnd = endOf(lastW.getKey(), lastW.getValue(), null);
        buildMachine();
        long advance = cfg.windowAdvanceMs();
        long lead = (cfg.windowMs() + cfg.windowGraceMs()) / advance + 2;
        base = Math.max(0, (Math.floorDiv(first, advance) - lead) * advance);

        ReplayMetrics whatIf;
        long done = 0;
        Driver d = new Driver();
        try {
            d.pins();
            long epoch = 0;
            for (Map.Entry<Long, List<PageAccessBatch>> w : windows.entrySet()) {
                Long next = windows.higherKey(w.getKey());
                long s = w.getKey();
                long e = endOf(s, w.getValue(), next);
                window(d, epoch++, s, e, w.getValue());
                done += w.getValue().size();
                progress.advanced(w.getValue().size());
            }
            whatIf = new ReplayMetrics(whatIfAcc, whatIfFast, m.promotedPages(), m.demotedPages(), m.pingPongs(), stale,
                    pinRefused, decisionCount);
        } finally {
            d.close();
        }
        ReplayMetrics actual = actual(moves, first, lastEnd + (lastEnd - lastW.getKey()));
        return new ReplayResult.HostResult(host, windows.size(), first, lastEnd, done, unresolved, placed.size(),
                actual, whatIf);
    }

    /** End of a sampler window: the batches' window end, else the next window's start, else start + 1. */
    private static long endOf(long start, List<PageAccessBatch> bs, Long next) {
        long e = start;
        for (PageAccessBatch b : bs) {
            e = Math.max(e, b.getWindowEndMs().toEpochMilli());
        }
        if (e > start) {
            return e;
        }
        return next != null ? next : start + 1;
    }

    // ------------------------------------------------------------------ what-if machine

    private void buildMachine() {
        List<NodeSpec> specs = new ArrayList<>();
        long frames = 0;
        int expect = 0;
        for (NodeStats s : nodeDesc.values()) {
            if (s.getNode() != expect++) {
                throw new IllegalStateException("host " + host + ": node ids must be dense 0..n-1 to emulate, got "
                        + nodeDesc.keySet());
            }
            TierKind kind = TierKind.valueOf(s.getTier().name());
            double lat = s.getLatencyNs() > 0 ? s.getLatencyNs() : defaultLatency(kind);
            double bw = s.getBandwidthMBps() > 0 ? s.getBandwidthMBps() / 1000.0 : DEFAULT_GBPS;
            frames += s.getCapacityPages();
            specs.add(new NodeSpec(s.getNode(), kind, (int) Math.min(Integer.MAX_VALUE, s.getCapacityPages()), lat, bw));
        }
        if (frames > MAX_FRAMES) {
            throw new IllegalStateException("host " + host + " has " + frames + " frames; the emulator copy models at "
                    + "most " + MAX_FRAMES);
        }
        m = new Machine(host, specs, CostModel.defaults());
        Map<Integer, List<Long>> byPid = new TreeMap<>();
        Map<Integer, String> comm = new HashMap<>();
        for (PageId id : history.identities()) {
            byPid.computeIfAbsent(id.pid(), k -> new ArrayList<>()).add(id.vaddr());
            String c = history.attrs(id).comm();
            if (c != null) {
                comm.putIfAbsent(id.pid(), c);
            }
        }
        for (Map.Entry<Integer, List<Long>> e : byPid.entrySet()) {
            long[] vas = e.getValue().stream().mapToLong(Long::longValue).distinct().sorted().toArray();
            m.addSparseProcess(e.getKey(), comm.getOrDefault(e.getKey(), "pid-" + e.getKey()), vas);
        }
        m.addListener(whatIfMoves::add);
        arrivals = history.identities().stream().filter(id -> history.firstSeen(id) != Long.MAX_VALUE)
                .sorted(Comparator.comparingLong(history::firstSeen).thenComparingInt(PageId::pid)
                        .thenComparingLong(PageId::vaddr)).toList();
    }

    private static double defaultLatency(TierKind k) {
        return switch (k) {
            case DRAM -> CostModel.DEFAULT_DRAM_NS;
            case CXL -> CostModel.DEFAULT_DRAM_NS * CostModel.DEFAULT_CXL_FACTOR;
            case DEVICE_COHERENT, DEVICE_PRIVATE -> DEFAULT_DEVICE_NS;
        };
    }

    /** Places an identity on the node the real system had it on (first touch), falling back by latency. */
    private int place(PageId id, int node) {
        int slot = m.slotOf(id.pid(), id.vaddr());
        if (slot < 0 || m.pfnOfSlot(slot) >= 0) {
            return slot;
        }
        if (node >= 0 && node < m.nodeCount() && m.populate(slot, node) == MoveStatus.MOVED) {
            placed.put(id, new int[] {slot});
            return slot;
        }
        List<NodeSpec> order = m.nodes().stream().filter(n -> n.kind().firstTouchTarget())
                .sorted(Comparator.comparingDouble(NodeSpec::latencyNs)).toList();
        for (NodeSpec n : order) {
            if (m.populate(slot, n.id()) == MoveStatus.MOVED) {
                placed.put(id, new int[] {slot});
                return slot;
            }
        }
        throw new IllegalStateException("host " + host + ": the emulator copy is out of memory placing " + id);
    }

    private void window(Driver d, long epoch, long s, long e, List<PageAccessBatch> batches) {
        // pages that exist by the end of this window, placed where the real system placed them
        while (nextArrival < arrivals.size() && history.firstSeen(arrivals.get(nextArrival)) < e) {
            PageId id = arrivals.get(nextArrival++);
            if (!placed.containsKey(id)) {
                place(id, history.nodeAt(id, s));
            }
        }
        int[] counts = new int[m.slotCount()];
        long total = 0;
        int rate = 1;
        AccessSource source = AccessSource.EMULATOR;
        for (PageAccessBatch b : batches) {
            rate = Math.max(rate, b.getSampleRate());
            source = b.getSource();
            boolean fast = nodeFast(b.getNode());
            for (PageAccess a : b.getEntries()) {
                PageId id = history.resolve(a.getPfn(), s, e);
                int slot = id == null ? -1 : place(id, b.getNode());
                if (slot < 0) {
                    unresolved += a.getCount();
                    continue;
                }
                counts[slot] += a.getCount();
                total += a.getCount();
                actualAcc += a.getCount();
                if (fast) {
                    actualFast += a.getCount();
                }
            }
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("host " + host + ": window " + s + " has more than 2^31 samples");
        }
        int[] stream = new int[(int) total];
        int k = 0;
        for (int slot = 0; slot < counts.length; slot++) {
            for (int c = 0; c < counts[slot]; c++) {
                stream[k++] = slot;
            }
        }
        m.beginEpoch();
        m.setClockNs(s * NS_PER_MS);
        m.run(stream, 0, k);
        for (int n = 0; n < m.nodeCount(); n++) {
            whatIfAcc += m.nodeHits(n);
            if (m.isFast(n)) {
                whatIfFast += m.nodeHits(n);
            }
        }
        List<SampleBatch> samples = Samplers.sample(m, EnumSet.of(SampleSource.EMULATOR), epoch, s * NS_PER_MS,
                e * NS_PER_MS, Samplers.DEFAULT_CHMU_TOP_N);

        d.nodes(s);
        d.moves(s);
        d.owners(s);
        for (SampleBatch b : samples) {
            d.batch(b, source, rate, epoch, s, e);
        }
        long applyAt = d.tick(e);
        m.setClockNs(applyAt * NS_PER_MS);
        for (MigrationDecision dec : d.decisions()) {
            apply(dec, applyAt);
        }
    }

    private boolean nodeFast(int node) {
        NodeStats s = nodeDesc.get(node);
        return s != null && s.getTier() == io.thermocline.avro.telemetry.TierKind.DRAM;
    }

    /** Applies a what-if decision to the copy with the migrator's checks: present, same PFN, pins, deadline. */
    private void apply(MigrationDecision d, long nowMs) {
        decisionCount++;
        int slot = m.slotOf(d.getPid(), d.getVaddr());
        if (slot < 0 || m.pfnOfSlot(slot) < 0) {
            return;
        }
        if (m.pfnOfSlot(slot) != d.getPfn()) {
            stale++;
            return;
        }
        int to = d.getToNode();
        if (to < 0 || to >= m.nodeCount() || d.getDeadlineMs().toEpochMilli() + base < nowMs) {
            return;
        }
        PageId id = new PageId(d.getPid(), d.getVaddr() & PageHistory.PAGE_MASK);
        NodeStats target = nodeDesc.get(to);
        if (!pinRules.allows(id, history.attrs(id), to, target.getTier(), nowMs)) {
            pinRefused++;
            return;
        }
        if (d.getFolioOrder() > 0 && m.inFolio(slot)) {
            m.moveFolio(d.getPid(), d.getVaddr(), to, io.thermocline.emulator.MoveCause.MIGRATOR);
        } else {
            m.moveSlot(slot, to, io.thermocline.emulator.MoveCause.MIGRATOR);
        }
    }

    // ------------------------------------------------------------------ actual side

    /** Promotions, demotions and ping-pongs from tc.pfn-moves (migrator moves); stale refusals from tc.results. */
    private ReplayMetrics actual(List<PfnMove> moves, long from, long until) {
        long promoted = 0;
        long demoted = 0;
        long pingPongs = 0;
        Map<PageId, Integer> state = new HashMap<>(); // 1 promoted, 2 demoted after a promotion
        for (PfnMove mv : moves) {
            long t = mv.getTimeMs().toEpochMilli();
            if (!PageHistory.byMigrator(mv) || t < from || t >= until) {
                continue;
            }
            int cmp = compareSpeed(mv.getNewNode(), mv.getOldNode());
            PageId id = new PageId(mv.getPid(), mv.getVaddr() & PageHistory.PAGE_MASK);
            if (cmp < 0) {
                promoted++;
                if (state.getOrDefault(id, 0) == 2) {
                    pingPongs++;
                }
                state.put(id, 1);
            } else if (cmp > 0) {
                demoted++;
                if (state.getOrDefault(id, 0) == 1) {
                    state.put(id, 2);
                }
            }
        }
        long staleResults = 0;
        long results = 0;
        for (MigrationResult r : in.results) {
            long t = r.getCompletedMs().toEpochMilli();
            if (!host.equals(r.getHost()) || t < from || t >= until) {
                continue;
            }
            results++;
            if (r.getStatus() == MigrationStatus.STALE_PFN) {
                staleResults++;
            }
        }
        return new ReplayMetrics(actualAcc, actualFast, promoted, demoted, pingPongs, staleResults, 0, results);
    }

    /** Negative when node a is faster than node b (tier rank, then latency), as the emulator counts moves. */
    private int compareSpeed(int a, int b) {
        NodeStats na = nodeDesc.get(a);
        NodeStats nb = nodeDesc.get(b);
        if (na == null || nb == null) {
            return 0;
        }
        double la = na.getLatencyNs() > 0 ? na.getLatencyNs() : defaultLatency(TierKind.valueOf(na.getTier().name()));
        double lb = nb.getLatencyNs() > 0 ? nb.getLatencyNs() : defaultLatency(TierKind.valueOf(nb.getTier().name()));
        return Double.compare(la, lb);
    }

    // ------------------------------------------------------------------ the topology, in-process

    /** The real hotness topology in a TopologyTestDriver; its output topics exist only inside the driver. */
    private final class Driver implements AutoCloseable {
        private final TopologyTestDriver driver;
        private final RegistrySerdes serdes;
        private final TestInputTopic<PfnBlockKey, PageAccessBatch> access;
        private final TestInputTopic<PfnKey, PageOwner> owners;
        private final TestInputTopic<HostKey, PfnMove> moves;
        private final TestInputTopic<NodeKey, NodeStats> nodes;
        private final TestInputTopic<PinKey, PolicyPin> pins;
        private final TestOutputTopic<HostKey, MigrationDecision> decisions;

        Driver() {
            serdes = RegistrySerdes.inMemory(scope);
            long t0 = in.batches.stream().filter(b -> host.equals(b.getHost()))
                    .mapToLong(b -> b.getWindowStartMs().toEpochMilli()).min().orElse(0);
            driver = new TopologyTestDriver(HotnessTopology.build(new StreamsBuilder(), cfg, serdes).build(),
                    StreamsProperties.of(cfg, serdes), at(t0));
            access = in(Topics.PAGE_ACCESS);
            owners = in(Topics.PAGE_OWNERS);
            moves = in(Topics.PFN_MOVES);
            nodes = in(Topics.NODE_STATS);
            pins = in(Topics.POLICY_PINS);
            decisions = driver.createOutputTopic(Topics.DECISIONS.name(),
                    Topics.DECISIONS.keySerde(serdes).deserializer(), Topics.DECISIONS.valueSerde(serdes).deserializer());
        }

        private <K extends SpecificRecord, V extends SpecificRecord> TestInputTopic<K, V> in(TopicSpec<K, V> spec) {
            return driver.createInputTopic(spec.name(), spec.keySerde(serdes).serializer(),
                    spec.valueSerde(serdes).serializer());
        }

        void pins() {
            long t = in.batches.stream().filter(b -> host.equals(b.getHost()))
                    .mapToLong(b -> b.getWindowStartMs().toEpochMilli()).min().orElse(0);
            for (ReplayInput.PinRecord p : in.pins) {
                PolicyPin v = p.value();
                if (v != null) {
                    v = PolicyPin.newBuilder(v).setCreatedMs(at(v.getCreatedMs().toEpochMilli()))
                            .setExpiresMs(v.getExpiresMs() == null ? null : at(v.getExpiresMs().toEpochMilli())).build();
                }
                pins.pipeInput(p.key(), v, at(t));
            }
        }

        void nodes(long t) {
            for (NodeStats s : nodeDesc.values()) {
                int n = s.getNode();
                NodeStats now = NodeStats.newBuilder(s).setFreePages(m.freePages(n))
                        .setCapacityPages(m.node(n).capacityPages()).setTimestampMs(at(t)).build();
                nodes.pipeInput(new NodeKey(host, n), now, at(t));
            }
        }

        /** The copy's own moves since the last window (the what-if migrator's PfnMoves). */
        void moves(long t) {
            for (io.thermocline.emulator.PfnMove mv : whatIfMoves) {
                int slot = m.slotOfPfn(mv.newPfn());
                if (slot >= 0 && slot < knownPfn.length) {
                    knownPfn[slot] = mv.newPfn(); // the move re-keys the owner
                }
                long when = Math.min(t, mv.timeNs() / NS_PER_MS);
                moves.pipeInput(new HostKey(host), PfnMove.newBuilder().setHost(host).setOldPfn(mv.oldPfn())
                        .setNewPfn(mv.newPfn()).setPid(mv.pid()).setVaddr(mv.vaddr())
                        .setOldNode(m.nodeOfPfn(mv.oldPfn())).setNewNode(m.nodeOfPfn(mv.newPfn()))
                        .setCause(MoveCause.MIGRATOR).setTimeMs(at(when)).build(), at(when));
            }
            whatIfMoves.clear();
        }

        /** Owners of the copy's frames that changed other than by a move (pages placed since the last window). */
        void owners(long t) {
            int slots = m.slotCount();
            if (knownPfn.length < slots) {
                int old = knownPfn.length;
                knownPfn = Arrays.copyOf(knownPfn, slots);
                Arrays.fill(knownPfn, old, slots, -1);
            }
            for (int s = 0; s < slots; s++) {
                long pfn = m.pfnOfSlot(s);
                if (pfn == knownPfn[s]) {
                    continue;
                }
                knownPfn[s] = pfn;
                EmuProcess p = m.processOfSlot(s);
                if (pfn < 0 || p == null) {
                    continue;
                }
                PageHistory.Attrs a = history.attrs(new PageId(p.pid(), m.vaOfSlot(s)));
                owners.pipeInput(new PfnKey(host, pfn), PageOwner.newBuilder().setHost(host).setPfn(pfn)
                        .setPid(p.pid()).setVaddr(m.vaOfSlot(s)).setComm(a.comm()).setCgroup(a.cgroup())
                        .setNode(m.nodeOfPfn(pfn)).setFolioOrder(m.inFolio(s) ? Machine.FOLIO_ORDER : 0)
                        .setUpdatedMs(at(t)).build(), at(t));
            }
        }

        void batch(SampleBatch b, AccessSource source, int rate, long epoch, long s, long e) {
            List<PageAccess> entries = new ArrayList<>(b.size());
            for (int i = 0; i < b.size(); i++) {
                entries.add(new PageAccess(b.pfns()[i], b.counts()[i]));
            }
            access.pipeInput(new PfnBlockKey(host, b.block()), PageAccessBatch.newBuilder().setHost(host)
                    .setSource(source).setNode(b.node()).setBlock(b.block()).setBlockShift(b.blockShift())
                    .setWindowStartMs(at(s)).setWindowEndMs(at(e))
                    .setEpoch(epoch).setSampleRate(rate).setEntries(entries).build(), at(s));
        }

        /**
         * The host's end-of-window marker, as its sampler sends it: closes the topology windows that end by
         * {@code end}, and stage 2 evaluates the host when one did. Returns the time decisions are applied at.
         */
        long tick(long end) {
            PageAccessBatch m = PageAccessBatch.newBuilder().setHost(host).setSource(AccessSource.EMULATOR)
                    .setNode(-1).setBlock(0).setBlockShift(cfg.blockShift()).setWindowStartMs(at(end))
                    .setWindowEndMs(at(end)).setEntries(List.of()).setWindowComplete(true).build();
            access.pipeInput(new PfnBlockKey(host, 0L), m, at(end));
            return end;
        }

        List<MigrationDecision> decisions() {
            List<MigrationDecision> out = new ArrayList<>();
            for (MigrationDecision dec : decisions.readValuesToList()) {
                if (host.equals(dec.getHost())) {
                    out.add(dec);
                }
            }
            return out;
        }

        @Override
        public void close() {
            driver.close();
            InMemorySchemaRegistryClient.dropScope(scope);
        }
    }

    /** Event time as the driver sees it. */
    private Instant at(long realMs) {
        return Instant.ofEpochMilli(realMs - base);
    }
}
