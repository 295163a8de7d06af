package io.thermocline.sampler.emulator;

import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.emulator.EmuProcess;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.PfnMoveListener;
import io.thermocline.emulator.sample.SampleBatch;
import io.thermocline.emulator.sample.SampleSource;
import io.thermocline.emulator.sample.Samplers;
import io.thermocline.sampler.AccessWindow;
import io.thermocline.sampler.OwnerObservation;
import io.thermocline.sampler.SamplerBackend;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * An emulated host in real time: whoever drives the workload runs accesses on the {@link Machine} holding
 * {@code lock}; each {@link #sampleAccesses} call closes the machine's epoch (its samplers read the epoch counters,
 * then {@code beginEpoch} clears them). Ownership comes from the page tables (like pagemap), node stats from the node
 * specs, and kernel moves (compaction) straight from the machine's move events, with their cause.
 */
public final class EmulatorSamplerBackend implements SamplerBackend {

    private final Machine machine;
    private final Object lock;
    private final Set<SampleSource> sources;
    private final Clock clock;
    private final List<PfnMove> kernelMoves = new ArrayList<>();
    private final PfnMoveListener listener;
    private long epoch;
    private long windowStartMs;
    private int cursorSlot;

    public EmulatorSamplerBackend(Machine machine, Object lock, Set<SampleSource> sources, Clock clock) {
        this.machine = machine;
        this.lock = lock;
        this.sources = Set.copyOf(sources);
        this.clock = clock;
        this.windowStartMs = clock.millis();
        this.listener = m -> {
            if (m.cause() == io.thermocline.emulator.MoveCause.KERNEL) {
                kernelMoves.add(new PfnMove(machine.host(), m.oldPfn(), m.newPfn(), m.pid(), m.vaddr(),
                        machine.nodeOfPfn(m.oldPfn()), machine.nodeOfPfn(m.newPfn()), MoveCause.KERNEL, null,
                        Instant.ofEpochMilli(clock.millis())));
            }
        };
        synchronized (lock) {
            machine.addListener(listener);
        }
    }

    @Override
    public OwnerScan scanOwners(long budgetPages) {
        List<OwnerObservation> out = new ArrayList<>();
        long scanned = 0;
        boolean wrapped = false;
        synchronized (lock) {
            int slots = machine.slotCount();
            while (scanned < budgetPages && !wrapped) {
                int slot = cursorSlot;
                EmuProcess p = machine.processOfSlot(slot);
                long pfn = p == null ? -1 : machine.pfnOfSlot(slot);
                if (pfn >= 0) {
                    out.add(new OwnerObservation(p.pid(), machine.vaOfSlot(slot), pfn, p.name(), null, false,
                            machine.inFolio(slot) ? Machine.FOLIO_ORDER : 0, machine.nodeOfPfn(pfn)));
                }
                scanned++;
                cursorSlot = slot + 1;
                if (cursorSlot >= slots) {
                    cursorSlot = 0;
                    wrapped = true;
                }
            }
        }
        return new OwnerScan(out, scanned, wrapped);
    }

    @Override
    public List<AccessWindow> sampleAccesses(long[] ownedPfns) {
        long now = clock.millis();
        List<SampleBatch> batches;
        synchronized (lock) {
            batches = Samplers.sample(machine, sources, epoch, windowStartMs * 1_000_000L, now * 1_000_000L,
                    Samplers.DEFAULT_CHMU_TOP_N);
            machine.beginEpoch();
        }
        List<AccessWindow> out = new ArrayList<>();
        for (SampleSource s : sources) {
            TreeMap<Long, Integer> counts = new TreeMap<>();
            int rate = 1;
            for (SampleBatch b : batches) {
                if (b.source() != s) {
                    continue;
                }
                rate = b.sampleRate();
                for (int i = 0; i < b.size(); i++) {
                    counts.merge(b.pfns()[i], b.counts()[i], Integer::sum);
                }
            }
            long[] pfns = counts.keySet().stream().mapToLong(Long::longValue).toArray();
            int[] c = counts.values().stream().mapToInt(Integer::intValue).toArray();
            out.add(new AccessWindow(AccessSource.valueOf(s.name()), windowStartMs, now, epoch, rate, pfns, c));
        }
        epoch++;
        windowStartMs = now;
        return out;
    }

    @Override
    public List<NodeStats> nodeStats(long nowMs) {
        List<NodeStats> out = new ArrayList<>();
        synchronized (lock) {
            for (NodeSpec n : machine.nodes()) {
                List<Integer> dist = new ArrayList<>();
                for (NodeSpec o : machine.nodes()) {
                    dist.add(o.id() == n.id() ? 10 : n.kind() == o.kind() ? 12 : 20);
                }
                out.add(new NodeStats(machine.host(), n.id(), TierKind.valueOf(n.kind().name()),
                        machine.isFast(n.id()) ? 0 : 1, !machine.isFast(n.id()), (long) n.capacityPages(),
                        (long) machine.freePages(n.id()), (int) Math.round(n.latencyNs()),
                        (int) Math.round(n.bandwidthGBps() * 1000), dist, Instant.ofEpochMilli(nowMs)));
            }
        }
        return out;
    }

    @Override
    public int nodeOfPfn(long pfn) {
        synchronized (lock) {
            return pfn < 0 || pfn >= machine.pfnLimit() ? -1 : machine.nodeOfPfn(pfn);
        }
    }

    @Override
    public List<PfnMove> knownKernelMoves() {
        synchronized (lock) {
            List<PfnMove> out = List.copyOf(kernelMoves);
            kernelMoves.clear();
            return out;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            machine.removeListener(listener);
        }
    }
}
