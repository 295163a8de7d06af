package io.thermocline.emulator.run;

import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.EmuProcess;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.MoveCause;
import io.thermocline.emulator.MoveStatus;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.PfnMove;
import io.thermocline.emulator.TierKind;
import io.thermocline.emulator.policy.Decision;
import io.thermocline.emulator.policy.DecisionOutcome;
import io.thermocline.emulator.policy.EpochInput;
import io.thermocline.emulator.policy.KernelTelemetry;
import io.thermocline.emulator.policy.Lookahead;
import io.thermocline.emulator.policy.MachineView;
import io.thermocline.emulator.policy.NodeStats;
import io.thermocline.emulator.policy.PinSet;
import io.thermocline.emulator.policy.PlacementPolicy;
import io.thermocline.emulator.policy.PolicyContext;
import io.thermocline.emulator.policy.PolicyRegistry;
import io.thermocline.emulator.sample.SampleBatch;
import io.thermocline.emulator.sample.SampleSource;
import io.thermocline.emulator.sample.Samplers;
import io.thermocline.emulator.workload.Workload;
import io.thermocline.emulator.workload.Workloads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs several placement policies on the same seeded access stream, each on its own copy of one emulated host.
 *
 * <p>Per epoch e, for every policy: replay the epoch's accesses on the policy's machine, compute the samples the
 * policy asked for, optionally let the kernel move pages in the background, call the policy, validate and apply
 * its decisions (cost charged), and record the epoch's metrics. Epoch e+1 starts only when that is done
 * (lockstep). A decision round also happens before epoch 0 (after the workloads initialised their memory), so the
 * clairvoyant oracle can place epoch 0's hot set.
 */
public final class Emulation {
    private static final Logger LOG = LoggerFactory.getLogger(Emulation.class);
    /** Dense processes are placed 1 TiB apart from here (typical x86-64 mmap area). */
    public static final long VA_BASE = 0x7f00_0000_0000L;
    public static final long VA_STRIDE = 1L << 40;
    public static final int FIRST_PID = 1000;
    private static final int INTERLEAVE_CHUNK = 256;

    private final EmulationConfig cfg;
    private final List<Workload> workloads;
    private final List<PlacementPolicy> policies;
    private final Machine base;
    private final int footprintPages;
    private final int fastPages;
    private final String workloadName;

    public Emulation(EmulationConfig cfg, List<Workload> workloads, List<PlacementPolicy> policies) {
        if (workloads.isEmpty()) throw new IllegalArgumentException("no workload");
        if (policies.isEmpty()) throw new IllegalArgumentException("no policy");
        this.cfg = cfg;
        this.workloads = List.copyOf(workloads);
        this.policies = List.copyOf(policies);
        int fp = 0;
        for (Workload w : workloads) fp += w.pages();
        this.footprintPages = fp;
        this.fastPages = (int) Math.max(1, Math.min(fp, Math.round(fp * cfg.fastRatio())));
        this.workloadName = String.join("+", workloads.stream().map(Workload::name).toList());
        this.base = buildMachine();
    }

    /** Builds workloads and policies from the config's specs ({@code policies} as for {@link PolicyRegistry}). */
    public static Emulation create(EmulationConfig cfg, String policies) throws IOException {
        List<Workload> ws = new ArrayList<>();
        for (int i = 0; i < cfg.workloads().size(); i++) {
            ws.add(Workloads.create(cfg.workloads().get(i), cfg.workloadParams(), i));
        }
        return new Emulation(cfg, ws, new PolicyRegistry().create(policies));
    }

    /** Two-tier host: node 0 DRAM sized by the fast ratio, node 1 CXL large enough for the whole footprint. */
    private Machine buildMachine() {
        CostModel c = cfg.cost();
        int slack = Machine.FOLIO_PAGES * (workloads.size() + 1);
        List<NodeSpec> nodes = List.of(
                new NodeSpec(0, TierKind.DRAM, fastPages, c.dramLatencyNs(), CostModel.DEFAULT_DRAM_GBPS),
                new NodeSpec(1, TierKind.CXL, footprintPages + slack, c.cxlLatencyNs(), CostModel.DEFAULT_CXL_GBPS));
        Machine m = new Machine(cfg.host(), nodes, c);
        for (int i = 0; i < workloads.size(); i++) {
            Workload w = workloads.get(i);
            int pid = FIRST_PID + i;
            long[] vas = w.pageVas();
            if (vas == null) m.addProcess(pid, w.name(), VA_BASE + i * VA_STRIDE, w.pages(), cfg.thp());
            else m.addSparseProcess(pid, w.name(), vas);
        }
        // programs that initialise their memory touch it in address order before the measured loop
        for (int i = 0; i < workloads.size(); i++) {
            if (!workloads.get(i).initSweep()) continue;
            EmuProcess p = m.processes().get(i);
            int[] sweep = new int[p.pages()];
            for (int k = 0; k < sweep.length; k++) sweep[k] = p.slotBase() + k;
            m.run(sweep, 0, sweep.length);
        }
        m.beginEpoch();
        return m;
    }

    public int footprintPages() {
        return footprintPages;
    }

    public int fastTierPages() {
        return fastPages;
    }

    /** The machine as it stands before epoch 0 (every policy starts from a copy). */
    public Machine initialMachine() {
        return base.copy();
    }

    /** Fills the stream for an epoch (slots), interleaving processes in fixed chunks. Returns the length. */
    private int[] generate(int epoch, int[] buf) {
        int total = 0;
        for (Workload w : workloads) total += w.epochAccesses(epoch);
        if (buf == null || buf.length < total) buf = new int[total];
        List<EmuProcess> procs = base.processes();
        if (workloads.size() == 1) {
            Workload w = workloads.get(0);
            w.fill(epoch, buf, 0);
            int off = procs.get(0).slotBase();
            if (off != 0) for (int i = 0; i < total; i++) buf[i] += off;
            lengths = total;
            return buf;
        }
        int[][] parts = new int[workloads.size()][];
        for (int i = 0; i < workloads.size(); i++) {
            Workload w = workloads.get(i);
            parts[i] = new int[w.epochAccesses(epoch)];
            w.fill(epoch, parts[i], 0);
        }
        int[] pos = new int[parts.length];
        int k = 0;
        while (k < total) {
            for (int i = 0; i < parts.length; i++) {
                int off = procs.get(i).slotBase();
                int end = Math.min(parts[i].length, pos[i] + INTERLEAVE_CHUNK);
                for (int j = pos[i]; j < end; j++) buf[k++] = parts[i][j] + off;
                pos[i] = end;
            }
        }
        lengths = total;
        return buf;
    }

    private int lengths;

    /** Per-policy state of a run. */
    private final class Run {
        final PlacementPolicy policy;
        final Machine m;
        final MachineView view;
        final Set<SampleSource> sources;
        final List<PfnMove> moves = new ArrayList<>();
        final List<EpochMetrics> metrics = new ArrayList<>();
        final SplittableRandom kernelRnd;
        double kernelCredit;
        long stale;
        long pinned;
        long other;
        long decisions;
        // cumulative snapshot at the previous metrics point
        double prevMig;
        long prevProm;
        long prevDem;
        long prevPp;
        long prevKernel;

        Run(PlacementPolicy p) {
            this.policy = p;
            this.m = base.copy();
            this.view = new MachineView(m);
            this.sources = p.sources();
            if (sources.contains(SampleSource.PEBS)) m.setPebsPeriod(p.pebsPeriod());
            m.addListener(moves::add);
            this.kernelRnd = new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + 77);
            p.init(new PolicyContext(cfg.host(), m.nodes(), cfg.epochNs(), cfg.epochs(), cfg.seed(), cfg.cost(),
                    cfg.pins()));
        }

        void decisionRound(long epoch, long startNs, long endNs, List<SampleBatch> samples, Lookahead la) {
            m.setClockNs(endNs);
            List<NodeStats> stats = new ArrayList<>();
            for (NodeSpec n : m.nodes()) {
                stats.add(new NodeStats(m.host(), n.id(), n.kind(), n.capacityPages(), m.freePages(n.id()),
                        n.latencyNs(), n.bandwidthGBps()));
            }
            List<PfnMove> since = List.copyOf(moves);
            moves.clear();
            final int accessesInEpoch = Math.max(1, m.epochAccesses());
            final long epochNs = endNs - startNs;
            KernelTelemetry kt = new KernelTelemetry() {
                @Override
                public boolean accessed(long pfn) {
                    return m.epochCount(pfn) > 0;
                }

                @Override
                public long firstAccessNs(long pfn) {
                    return startNs + (long) ((double) m.firstAccessSeq(pfn) * epochNs / accessesInEpoch);
                }

                @Override
                public int accessCount(long pfn) {
                    return m.epochCount(pfn);
                }
            };
            EpochInput in = new EpochInput(epoch, startNs, endNs, cfg.epochNs(), samples, stats, since, view, kt,
                    policy.clairvoyant() ? la : null, cfg.pins());
            List<Decision> ds = policy.decide(in);
            decisions += ds.size();
            List<DecisionOutcome> outcomes = new ArrayList<>(ds.size());
            for (Decision d : ds) outcomes.add(apply(d));
            policy.applied(in, outcomes);
        }

        DecisionOutcome apply(Decision d) {
            int slot = m.slotOf(d.pid(), d.vaddr());
            if (slot < 0) return refuse(d, MoveStatus.NOT_PRESENT, -1);
            long cur = m.pfnOfSlot(slot);
            if (d.targetNode() < 0 || d.targetNode() >= m.nodeCount()) return refuse(d, MoveStatus.FAILED, cur);
            boolean placing = d.expectedPfn() == Decision.NOT_PRESENT;
            if (placing ? cur >= 0 : cur != d.expectedPfn()) {
                if (!placing && cur < 0) return refuse(d, MoveStatus.NOT_PRESENT, cur);
                stale++;
                return new DecisionOutcome(d, MoveStatus.STALE_PFN, cur, -1, 0);
            }
            NodeSpec target = m.node(d.targetNode());
            if (!cfg.pins().allows(d.pid(), d.vaddr(), target.id(), target.kind())) {
                pinned++;
                return new DecisionOutcome(d, MoveStatus.PINNED, cur, -1, 0);
            }
            if (placing) {
                MoveStatus st = m.populate(slot, d.targetNode());
                return st == MoveStatus.MOVED ? new DecisionOutcome(d, st, -1, m.pfnOfSlot(slot), 1) : refuse(d, st, -1);
            }
            if (d.wholeFolio() && m.inFolio(slot)) {
                MoveStatus[] st = m.moveFolio(d.pid(), d.vaddr(), d.targetNode(), MoveCause.MIGRATOR);
                int moved = 0;
                for (MoveStatus s : st) if (s == MoveStatus.MOVED) moved++;
                MoveStatus head = st[0];
                if (moved == 0) return refuse(d, head, cur);
                return new DecisionOutcome(d, MoveStatus.MOVED, cur, m.pfnOfSlot(slot), moved);
            }
            MoveStatus st = m.moveSlot(slot, d.targetNode(), MoveCause.MIGRATOR);
            if (st != MoveStatus.MOVED) return refuse(d, st, cur);
            return new DecisionOutcome(d, st, cur, m.pfnOfSlot(slot), 1);
        }

        DecisionOutcome refuse(Decision d, MoveStatus st, long cur) {
            if (st != MoveStatus.ALREADY_ON_NODE) other++;
            return new DecisionOutcome(d, st, cur, -1, 0);
        }

        void runEpoch(int e, int[] stream, int len, Lookahead nextLa) {
            long start = e * cfg.epochNs();
            long end = start + cfg.epochNs();
            m.beginEpoch();
            m.setClockNs(start);
            m.run(stream, 0, len);
            long fast = 0;
            long acc = 0;
            double accNs = 0;
            for (int n = 0; n < m.nodeCount(); n++) {
                long h = m.nodeHits(n);
                acc += h;
                if (m.isFast(n)) fast += h;
                accNs += h * m.node(n).latencyNs();
            }
            List<SampleBatch> samples = sources.isEmpty() ? List.of()
                    : Samplers.sample(m, sources, e, start, end, cfg.chmuTopN());
            if (cfg.kernelMovesPerSec() > 0) {
                kernelCredit += cfg.kernelMovesPerSec() * cfg.epochMs() / 1000.0;
                int n = (int) kernelCredit;
                kernelCredit -= n;
                m.setClockNs(end);
                m.kernelMoves(n, kernelRnd);
            }
            long s0 = stale, p0 = pinned, o0 = other, d0 = decisions;
            decisionRound(e, start, end, samples, nextLa);
            double mig = m.migrationNs();
            metrics.add(new EpochMetrics(e, acc, fast, accNs, mig - prevMig, m.promotedPages() - prevProm,
                    m.demotedPages() - prevDem, m.pingPongs() - prevPp, stale - s0, pinned - p0, other - o0,
                    decisions - d0, m.kernelMoveCount() - prevKernel));
            prevMig = mig;
            prevProm = m.promotedPages();
            prevDem = m.demotedPages();
            prevPp = m.pingPongs();
            prevKernel = m.kernelMoveCount();
        }
    }

    private Lookahead lookahead(int epoch, int[] stream, int len, int[] counts) {
        Arrays.fill(counts, 0);
        for (int i = 0; i < len; i++) counts[stream[i]]++;
        return new Lookahead(epoch, counts, len);
    }

    /** Runs all epochs for all policies and returns the report. */
    public EmulationReport run() {
        long t0 = System.nanoTime();
        List<Run> runs = new ArrayList<>();
        for (PlacementPolicy p : policies) runs.add(new Run(p));
        lastRuns = runs; // machineOf answers during the run too (policies driven from outside need their machine)
        boolean anyClairvoyant = policies.stream().anyMatch(PlacementPolicy::clairvoyant);
        int slots = base.slotCount();
        int[][] la = anyClairvoyant ? new int[][] {new int[slots], new int[slots]} : null;

        int[] cur = generate(0, null);
        int curLen = lengths;
        Lookahead curLa = anyClairvoyant ? lookahead(0, cur, curLen, la[0]) : null;
        for (Run r : runs) {
            r.decisionRound(-1, 0, 0, List.of(), curLa); // its moves and costs count in epoch 0
        }
        ExecutorService pool = cfg.threads() > 1 ? Executors.newFixedThreadPool(cfg.threads(), r -> {
            Thread t = new Thread(r, "emulator-policy");
            t.setDaemon(true);
            return t;
        }) : null;
        int[] next = null;
        try {
            for (int e = 0; e < cfg.epochs(); e++) {
                int nextLen = 0;
                Lookahead nextLa = null;
                if (e + 1 < cfg.epochs()) {
                    next = generate(e + 1, next);
                    nextLen = lengths;
                    if (anyClairvoyant) nextLa = lookahead(e + 1, next, nextLen, la[(e + 1) & 1]);
                }
                final int epoch = e;
                final int[] stream = cur;
                final int len = curLen;
                final Lookahead nla = nextLa;
                if (pool == null) {
                    for (Run r : runs) r.runEpoch(epoch, stream, len, nla);
                } else {
                    List<Future<?>> fs = new ArrayList<>();
                    for (Run r : runs) fs.add(pool.submit(() -> r.runEpoch(epoch, stream, len, nla)));
                    for (Future<?> f : fs) f.get();
                }
                int[] tmp = cur;
                cur = next;
                next = tmp;
                curLen = nextLen;
                if (e % 50 == 0) LOG.debug("epoch {} done", e);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        } catch (ExecutionException ex) {
            Throwable c = ex.getCause();
            if (c instanceof RuntimeException re) throw re;
            throw new IllegalStateException(c);
        } finally {
            if (pool != null) pool.shutdownNow();
            for (Run r : runs) r.policy.close();
        }
        List<PolicyReport> reports = new ArrayList<>();
        for (Run r : runs) reports.add(PolicyReport.of(r.policy.name(), r.metrics, cfg.perEpoch()));
        double wall = (System.nanoTime() - t0) / 1e9;
        lastRuns = runs;
        // actual mean accesses per epoch (traces set their own)
        long perEpoch = reports.isEmpty() ? 0 : Math.round((double) reports.get(0).accesses() / cfg.epochs());
        return new EmulationReport(workloadName, cfg.seed(), cfg.epochs(), footprintPages, fastPages,
                perEpoch, cfg.epochMs(), cfg.host(), wall, reports);
    }

    private List<Run> lastRuns = List.of();

    /** The machine a policy runs on in the current {@link #run()}, or ran on in the last one. */
    public Machine machineOf(String policyName) {
        for (Run r : lastRuns) if (r.policy.name().equals(policyName)) return r.m;
        return null;
    }
}
