package io.thermocline.migrator.emulator;

import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.emulator.EmuProcess;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.MoveCause;
import io.thermocline.emulator.MoveStatus;
import io.thermocline.migrator.MigrationTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * An emulated host: the same pid + VA interface as Linux, against a {@link Machine}. A machine is single threaded, so
 * every call holds {@code lock}, which whoever runs the workload on the machine (and the sampler reading it) must
 * hold too. Moves are executed like move_pages(2) with MIGRATOR cause; a 2 MiB folio moves as one.
 */
public final class EmulatorMigrationTarget implements MigrationTarget {

    private final Machine machine;
    private final Object lock;

    public EmulatorMigrationTarget(Machine machine, Object lock) {
        this.machine = machine;
        this.lock = lock;
    }

    public Machine machine() {
        return machine;
    }

    @Override
    public long resolve(int pid, long vaddr) {
        synchronized (lock) {
            return machine.process(pid) == null ? -1 : machine.translate(pid, vaddr);
        }
    }

    @Override
    public int nodeOfPfn(long pfn) {
        synchronized (lock) {
            return pfn < 0 || pfn >= machine.pfnLimit() ? -1 : machine.nodeOfPfn(pfn);
        }
    }

    @Override
    public boolean hasNode(int node) {
        return node >= 0 && node < machine.nodeCount();
    }

    @Override
    public TierKind tierOf(int node) {
        return hasNode(node) ? TierKind.valueOf(machine.node(node).kind().name()) : TierKind.UNKNOWN;
    }

    @Override
    public ProcessInfo process(int pid) {
        synchronized (lock) {
            EmuProcess p = machine.process(pid);
            return p == null ? null : new ProcessInfo(pid, p.name(), null);
        }
    }

    @Override
    public List<MoveOutcome> move(List<MoveRequest> requests) {
        List<MoveOutcome> out = new ArrayList<>(requests.size());
        synchronized (lock) {
            for (MoveRequest r : requests) {
                if (machine.process(r.pid()) == null) {
                    out.add(MoveOutcome.failed(MigrationStatus.NOT_PRESENT, 0, "no process " + r.pid()));
                    continue;
                }
                MoveStatus st = r.folioOrder() > 0
                        ? machine.moveFolio(r.pid(), r.vaddr(), r.toNode(), MoveCause.MIGRATOR)[0]
                        : machine.movePage(r.pid(), r.vaddr(), r.toNode(), MoveCause.MIGRATOR);
                out.add(switch (st) {
                    case MOVED -> {
                        long pfn = machine.translate(r.pid(), r.vaddr());
                        yield MoveOutcome.moved(pfn, machine.nodeOfPfn(pfn));
                    }
                    case ALREADY_ON_NODE -> MoveOutcome.failed(MigrationStatus.FAILED, 0, "already on node "
                            + r.toNode());
                    case NO_CAPACITY -> MoveOutcome.failed(MigrationStatus.NO_CAPACITY, -12, "node full");
                    case BUSY -> MoveOutcome.failed(MigrationStatus.BUSY, -16, "page busy");
                    case NOT_PRESENT -> MoveOutcome.failed(MigrationStatus.NOT_PRESENT, -2, "not mapped");
                    case STALE_PFN -> MoveOutcome.failed(MigrationStatus.STALE_PFN, 0, "stale");
                    case PINNED -> MoveOutcome.failed(MigrationStatus.PINNED, 0, "pinned in the emulator");
                    case FAILED -> MoveOutcome.failed(MigrationStatus.FAILED, -22, "move failed");
                });
            }
        }
        return out;
    }
}
