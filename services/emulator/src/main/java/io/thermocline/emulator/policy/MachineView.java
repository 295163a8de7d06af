package io.thermocline.emulator.policy;

import io.thermocline.emulator.EmuProcess;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.NodeSpec;
import java.util.List;

/**
 * Read-only view of a policy's own emulated machine: topology, page tables and reverse map. Policies may
 * resolve PFNs to owners (like /proc/kpageflags + rmap, or the tc.page-owners topic) and addresses to PFNs
 * (like /proc/PID/pagemap). Slot-level accessors exist for kernel-side baselines that walk page tables.
 */
public final class MachineView {
    private final Machine m;

    public MachineView(Machine m) {
        this.m = m;
    }

    public String host() {
        return m.host();
    }

    public List<NodeSpec> nodes() {
        return m.nodes();
    }

    public NodeSpec node(int id) {
        return m.node(id);
    }

    public int nodeCount() {
        return m.nodeCount();
    }

    public boolean isFast(int node) {
        return m.isFast(node);
    }

    public int freePages(int node) {
        return m.freePages(node);
    }

    public long nodeBasePfn(int node) {
        return m.nodeBasePfn(node);
    }

    public int nodeOfPfn(long pfn) {
        return m.nodeOfPfn(pfn);
    }

    public List<EmuProcess> processes() {
        return m.processes();
    }

    /** Current frame of (pid, va), -1 if not present. */
    public long translate(int pid, long va) {
        return m.translate(pid, va);
    }

    /** Owner of a frame, or null when free. */
    public PageRef owner(long pfn) {
        int s = m.slotOfPfn(pfn);
        if (s < 0) return null;
        EmuProcess p = m.processOfSlot(s);
        return new PageRef(p.pid(), p.vaOf(s - p.slotBase()), m.inFolio(s));
    }

    public int slotCount() {
        return m.slotCount();
    }

    /** Frame of a slot, -1 when not present or when the slot is an alignment gap. */
    public long pfnOfSlot(int slot) {
        return m.pfnOfSlot(slot);
    }

    public int slotOfPfn(long pfn) {
        return m.slotOfPfn(pfn);
    }

    /** Process of a slot, or null for an alignment gap. */
    public EmuProcess processOfSlot(int slot) {
        return m.processOfSlot(slot);
    }

    public long vaOfSlot(int slot) {
        return m.vaOfSlot(slot);
    }

    public boolean inFolio(int slot) {
        return m.inFolio(slot);
    }

    /** A frame's owner. */
    public record PageRef(int pid, long vaddr, boolean inFolio) {
    }
}
