package io.thermocline.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One emulated host: NUMA nodes that each own a PFN range and a free-frame allocator, processes whose page
 * tables map page slots to frames, a reverse map frame to slot, first-touch allocation with fallback to the
 * next tier, optional 2 MiB folios, and move_pages-like migration that always changes the PFN.
 *
 * <p>Hot path: {@link #run(int[], int, int)} replays a stream of page slots using primitive arrays only; it
 * counts accesses per frame and per node for the current epoch and feeds the PEBS-like sampler. Nothing is
 * allocated per access. A machine is single-threaded; use {@link #copy()} to give each policy its own.
 */
public final class Machine {
    public static final int PAGE_SHIFT = 12;
    public static final int FOLIO_ORDER = 9;
    public static final int FOLIO_PAGES = 1 << FOLIO_ORDER;
    /** First PFN handed to node 0 (the first 16 MiB of physical memory are firmware/kernel). */
    public static final long FIRST_PFN = 4096;
    /** Page-table value of a slot with no page. */
    static final int NOT_PRESENT = -1;
    /** Page-table entries of CPU-accessible pages carry the node id above the PFN bits (saves a lookup per access). */
    private static final int NODE_SHIFT = 27;
    private static final int PFN_MASK = (1 << NODE_SHIFT) - 1;
    private static final int MAX_NODES = 15;

    private static final byte FLAG_FOLIO = 1;
    private static final byte FLAG_BUSY = 2;
    private static final byte PP_NONE = 0;
    private static final byte PP_PROMOTED = 1;
    private static final byte PP_DEMOTED_AFTER_PROMOTION = 2;

    private final String host;
    private final NodeSpec[] nodes;
    private final FrameAllocator[] allocs;
    private final byte[] frameNode;          // pfn -> node, -1 for holes
    private final boolean[] nodeCpu;
    private final int[] firstTouchOrder;     // CPU nodes by latency
    private final CostModel cost;

    private final List<EmuProcess> processes;
    private int[] procSlotBase;              // sorted, parallel to processes
    private int slots;
    private int[] pt;                        // slot -> pfn | node << NODE_SHIFT, NOT_PRESENT, or -(pfn+2) on a device-private node
    private int[] rmap;                      // pfn -> slot, -1 when free
    private byte[] slotFlags;
    private byte[] ppState;

    // per-epoch access counters
    private final int[] counters;            // [2*pfn] accesses this epoch, [2*pfn+1] sequence number of the first
    private final long[] nodeHits;
    private int seq;
    private int pebsPeriod;
    private int pebsCountdown = Integer.MAX_VALUE;
    private int[] pebsBuf = new int[1024];
    private int pebsN;

    // cumulative counters
    private long promotedPages;
    private long demotedPages;
    private long pingPongs;
    private long migratedPages;
    private long migratedFolios;
    private long kernelMoves;
    private long deviceFaults;
    private long splits;
    private double migrationNs;
    private long clockNs;

    private final List<PfnMoveListener> listeners = new CopyOnWriteArrayList<>();

    public Machine(String host, List<NodeSpec> nodeSpecs, CostModel cost) {
        if (nodeSpecs.isEmpty()) throw new IllegalArgumentException("a machine needs at least one node");
        if (nodeSpecs.size() > MAX_NODES) throw new IllegalArgumentException("at most " + MAX_NODES + " nodes");
        this.host = host;
        this.cost = cost;
        this.nodes = nodeSpecs.toArray(new NodeSpec[0]);
        this.allocs = new FrameAllocator[nodes.length];
        this.nodeCpu = new boolean[nodes.length];
        long next = FIRST_PFN;
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i].id() != i) throw new IllegalArgumentException("node ids must be dense 0..n-1 in order");
            allocs[i] = new FrameAllocator(next, nodes[i].capacityPages());
            nodeCpu[i] = nodes[i].kind().cpuAccessible();
            long end = next + nodes[i].capacityPages();
            next = (end + FOLIO_PAGES - 1) / FOLIO_PAGES * FOLIO_PAGES + FOLIO_PAGES; // aligned, with a hole
        }
        if (next > PFN_MASK) throw new IllegalArgumentException("too many frames");
        int maxPfn = (int) next;
        this.frameNode = new byte[maxPfn];
        Arrays.fill(frameNode, (byte) -1);
        for (int i = 0; i < nodes.length; i++) {
            int b = (int) allocs[i].basePfn();
            Arrays.fill(frameNode, b, b + nodes[i].capacityPages(), (byte) i);
        }
        this.firstTouchOrder = nodeSpecs.stream().filter(n -> n.kind().firstTouchTarget())
                .sorted((a, b) -> Double.compare(a.latencyNs(), b.latencyNs())).mapToInt(NodeSpec::id).toArray();
        if (firstTouchOrder.length == 0) throw new IllegalArgumentException("no DRAM/CXL node for first touch");
        this.processes = new ArrayList<>();
        this.procSlotBase = new int[0];
        this.pt = new int[0];
        this.slotFlags = new byte[0];
        this.ppState = new byte[0];
        this.rmap = new int[maxPfn];
        Arrays.fill(rmap, -1);
        this.counters = new int[2 * maxPfn];
        this.nodeHits = new long[nodes.length];
    }

    private Machine(Machine o) {
        host = o.host;
        nodes = o.nodes;
        allocs = new FrameAllocator[o.allocs.length];
        for (int i = 0; i < allocs.length; i++) allocs[i] = o.allocs[i].copy();
        frameNode = o.frameNode;
        nodeCpu = o.nodeCpu;
        firstTouchOrder = o.firstTouchOrder;
        cost = o.cost;
        processes = new ArrayList<>(o.processes);
        procSlotBase = o.procSlotBase.clone();
        slots = o.slots;
        pt = o.pt.clone();
        rmap = o.rmap.clone();
        slotFlags = o.slotFlags.clone();
        ppState = o.ppState.clone();
        counters = o.counters.clone();
        nodeHits = o.nodeHits.clone();
        seq = o.seq;
        pebsPeriod = o.pebsPeriod;
        pebsCountdown = o.pebsCountdown;
        pebsBuf = o.pebsBuf.clone();
        pebsN = o.pebsN;
        promotedPages = o.promotedPages;
        demotedPages = o.demotedPages;
        pingPongs = o.pingPongs;
        migratedPages = o.migratedPages;
        migratedFolios = o.migratedFolios;
        kernelMoves = o.kernelMoves;
        deviceFaults = o.deviceFaults;
        splits = o.splits;
        migrationNs = o.migrationNs;
        clockNs = o.clockNs;
    }

    /** Deep copy of the whole state (page tables, allocators, counters); listeners are not copied. */
    public Machine copy() {
        return new Machine(this);
    }

    // ------------------------------------------------------------------ topology

    public String host() {
        return host;
    }

    public int nodeCount() {
        return nodes.length;
    }

    public NodeSpec node(int id) {
        return nodes[id];
    }

    public List<NodeSpec> nodes() {
        return List.of(nodes);
    }

    public CostModel costModel() {
        return cost;
    }

    public int freePages(int node) {
        return allocs[node].free();
    }

    public long nodeBasePfn(int node) {
        return allocs[node].basePfn();
    }

    /** One past the highest PFN any node owns (array bound for per-frame state). */
    public int pfnLimit() {
        return frameNode.length;
    }

    /** Node owning a frame, or -1 for a hole. */
    public int nodeOfPfn(long pfn) {
        return pfn >= 0 && pfn < frameNode.length ? frameNode[(int) pfn] : -1;
    }

    public boolean isFrameFree(long pfn) {
        int n = nodeOfPfn(pfn);
        return n >= 0 && allocs[n].isFree(pfn);
    }

    /** Whether a node is in the fast tier (DRAM). */
    public boolean isFast(int node) {
        return nodes[node].kind() == TierKind.DRAM;
    }

    public int fastCapacity() {
        int c = 0;
        for (NodeSpec n : nodes) if (n.kind() == TierKind.DRAM) c += n.capacityPages();
        return c;
    }

    // ------------------------------------------------------------------ processes

    /** Adds a process with a dense address space of {@code pages} pages starting at {@code vaBase} (2 MiB aligned). */
    public EmuProcess addProcess(int pid, String name, long vaBase, int pages, boolean thp) {
        if ((vaBase & ((1L << (PAGE_SHIFT + FOLIO_ORDER)) - 1)) != 0) {
            throw new IllegalArgumentException("vaBase must be 2 MiB aligned");
        }
        return add(pid, name, pages, vaBase, null, thp);
    }

    /** Adds a process whose pages are the given page-aligned addresses (sorted copy is kept). */
    public EmuProcess addSparseProcess(int pid, String name, long[] pageVas) {
        long[] vas = pageVas.clone();
        Arrays.sort(vas);
        for (int i = 0; i < vas.length; i++) {
            if ((vas[i] & ((1L << PAGE_SHIFT) - 1)) != 0) throw new IllegalArgumentException("unaligned va");
            if (i > 0 && vas[i] == vas[i - 1]) throw new IllegalArgumentException("duplicate va");
        }
        return add(pid, name, vas.length, 0, vas, false);
    }

    private EmuProcess add(int pid, String name, int pages, long vaBase, long[] vas, boolean thp) {
        for (EmuProcess p : processes) if (p.pid() == pid) throw new IllegalArgumentException("duplicate pid " + pid);
        if (pages <= 0) throw new IllegalArgumentException("a process needs pages");
        int base = (slots + FOLIO_PAGES - 1) / FOLIO_PAGES * FOLIO_PAGES; // folio groups align with slots
        long newSlots = (long) base + pages;
        if (newSlots > Integer.MAX_VALUE / 2) throw new IllegalArgumentException("too many pages");
        EmuProcess p = new EmuProcess(pid, name, base, pages, vaBase, vas, thp);
        processes.add(p);
        procSlotBase = Arrays.copyOf(procSlotBase, processes.size());
        procSlotBase[processes.size() - 1] = base;
        int oldLen = pt.length;
        pt = Arrays.copyOf(pt, (int) newSlots);
        Arrays.fill(pt, oldLen, pt.length, NOT_PRESENT);
        slotFlags = Arrays.copyOf(slotFlags, (int) newSlots);
        ppState = Arrays.copyOf(ppState, (int) newSlots);
        slots = (int) newSlots;
        return p;
    }

    public List<EmuProcess> processes() {
        return List.copyOf(processes);
    }

    public EmuProcess process(int pid) {
        for (EmuProcess p : processes) if (p.pid() == pid) return p;
        return null;
    }

    /** Number of page slots (array bound for per-slot state). */
    public int slotCount() {
        return slots;
    }

    /** Process owning a slot, or null for the alignment gap between processes. */
    public EmuProcess processOfSlot(int slot) {
        int i = Arrays.binarySearch(procSlotBase, slot);
        if (i < 0) i = -i - 2;
        if (i < 0) return null;
        EmuProcess p = processes.get(i);
        return slot < p.slotBase() + p.pages() ? p : null;
    }

    /** Slot of (pid, va), or -1 when the process has no such page. */
    public int slotOf(int pid, long va) {
        EmuProcess p = process(pid);
        if (p == null) return -1;
        int idx = p.pageIndexOf(va);
        return idx < 0 ? -1 : p.slotBase() + idx;
    }

    public long vaOfSlot(int slot) {
        EmuProcess p = processOfSlot(slot);
        return p.vaOf(slot - p.slotBase());
    }

    /** Current frame of a slot, or -1 when not present. */
    public long pfnOfSlot(int slot) {
        int v = pt[slot];
        return v >= 0 ? v & PFN_MASK : v == NOT_PRESENT ? -1 : -(v + 2);
    }

    /** Current frame of (pid, va), or -1 when not present. */
    public long translate(int pid, long va) {
        int s = slotOf(pid, va);
        return s < 0 ? -1 : pfnOfSlot(s);
    }

    /** Slot mapped to a frame (reverse map), or -1 when the frame is free. */
    public int slotOfPfn(long pfn) {
        return pfn >= 0 && pfn < rmap.length ? rmap[(int) pfn] : -1;
    }

    public boolean inFolio(int slot) {
        return (slotFlags[slot] & FLAG_FOLIO) != 0;
    }

    /** Marks a page busy (move attempts return BUSY) or not. */
    public void setBusy(int pid, long va, boolean busy) {
        int s = slotOf(pid, va);
        if (s < 0) throw new IllegalArgumentException("no such page");
        slotFlags[s] = (byte) (busy ? slotFlags[s] | FLAG_BUSY : slotFlags[s] & ~FLAG_BUSY);
    }

    // ------------------------------------------------------------------ listeners and clock

    public void addListener(PfnMoveListener l) {
        listeners.add(l);
    }

    public void removeListener(PfnMoveListener l) {
        listeners.remove(l);
    }

    /** Sets the policy-clock time stamped on PfnMove events. */
    public void setClockNs(long nowNs) {
        this.clockNs = nowNs;
    }

    public long clockNs() {
        return clockNs;
    }

    // ------------------------------------------------------------------ access path

    /** Enables PEBS-like sampling of one access in {@code period} (0 disables). */
    public void setPebsPeriod(int period) {
        if (period < 0) throw new IllegalArgumentException("period must be >= 0");
        this.pebsPeriod = period;
        this.pebsCountdown = period == 0 ? Integer.MAX_VALUE : period;
    }

    /** Clears the per-epoch counters (access counts, node hits, PEBS buffer). */
    public void beginEpoch() {
        Arrays.fill(counters, 0);
        Arrays.fill(nodeHits, 0);
        seq = 0;
        pebsN = 0;
    }

    /**
     * Replays {@code stream[from..to)} (page slots). First touch allocates; a CPU access to a device-private
     * page faults it back to RAM. Counts per frame and per node; no allocation.
     */
    public void run(int[] stream, int from, int to) {
        final int[] pt = this.pt;
        final int[] cnt = this.counters;
        final long[] hits = this.nodeHits;
        final int period = this.pebsPeriod;
        int pc = this.pebsCountdown;
        int s = this.seq;
        for (int i = from; i < to; i++, s++) {
            int slot = stream[i];
            int e = pt[slot];
            if (e < 0) e = slowPath(slot);
            hits[e >>> NODE_SHIFT]++;
            int c = (e & PFN_MASK) << 1;
            if (cnt[c]++ == 0) cnt[c + 1] = s;
            if (--pc == 0) {
                pc = period;
                recordPebs(e & PFN_MASK);
            }
        }
        this.pebsCountdown = period == 0 ? Integer.MAX_VALUE : pc;
        this.seq = s;
    }

    /** Single access (tests, tools): same semantics as {@link #run}. */
    public long access(int pid, long va) {
        int s = slotOf(pid, va);
        if (s < 0) throw new IllegalArgumentException("pid " + pid + " has no page at 0x" + Long.toHexString(va));
        run(new int[] {s}, 0, 1);
        return pfnOfSlot(s);
    }

    private void recordPebs(int pfn) {
        if (pebsN == pebsBuf.length) pebsBuf = Arrays.copyOf(pebsBuf, pebsN * 2);
        pebsBuf[pebsN++] = pfn;
    }

    private int slowPath(int slot) {
        int v = pt[slot];
        if (v == NOT_PRESENT) return firstTouch(slot);
        // device-private: migrate_to_ram() to the nearest CPU node with room
        long old = -(v + 2);
        deviceFaults++;
        migrationNs += cost.deviceFaultNs();
        for (int n : firstTouchOrder) {
            if (moveSlotRaw(slot, n, MoveCause.KERNEL, false) == MoveStatus.MOVED) return pt[slot];
        }
        throw new IllegalStateException("out of memory faulting back pfn " + old);
    }

    private int firstTouch(int slot) {
        EmuProcess p = processOfSlot(slot);
        if (p == null) throw new IllegalArgumentException("slot " + slot + " belongs to no process");
        int rel = slot - p.slotBase();
        int groupRel = rel & ~(FOLIO_PAGES - 1);
        boolean folio = p.thp() && groupRel + FOLIO_PAGES <= p.pages() && groupEmpty(p.slotBase() + groupRel);
        for (int n : firstTouchOrder) {
            if (folio) {
                long base = allocs[n].allocateFolio();
                if (base >= 0) {
                    int g = p.slotBase() + groupRel;
                    for (int i = 0; i < FOLIO_PAGES; i++) {
                        map(g + i, (int) base + i);
                        slotFlags[g + i] |= FLAG_FOLIO;
                    }
                    return pt[slot];
                }
            }
            long pfn = allocs[n].allocate();
            if (pfn >= 0) {
                map(slot, (int) pfn);
                return pt[slot];
            }
        }
        throw new IllegalStateException("out of memory: no node can take a page for " + p);
    }

    private boolean groupEmpty(int g) {
        for (int i = 0; i < FOLIO_PAGES; i++) if (pt[g + i] != NOT_PRESENT) return false;
        return true;
    }

    private void map(int slot, int pfn) {
        int node = frameNode[pfn];
        pt[slot] = nodeCpu[node] ? pfn | (node << NODE_SHIFT) : -(pfn + 2);
        rmap[pfn] = slot;
    }

    /**
     * Populates a not-present page directly on a node (like mbind + MAP_POPULATE); used by clairvoyant
     * placement. Returns MOVED when placed, ALREADY_ON_NODE when present, NO_CAPACITY when the node is full.
     */
    public MoveStatus populate(int slot, int node) {
        if (pt[slot] != NOT_PRESENT) return MoveStatus.ALREADY_ON_NODE;
        if (node < 0 || node >= nodes.length) return MoveStatus.FAILED;
        long pfn = allocs[node].allocate();
        if (pfn < 0) return MoveStatus.NO_CAPACITY;
        map(slot, (int) pfn);
        return MoveStatus.MOVED;
    }

    // ------------------------------------------------------------------ migration

    /** move_pages(2) for one page of a process. A page inside a folio is split out of it first. */
    public MoveStatus movePage(int pid, long va, int targetNode, MoveCause cause) {
        int s = slotOf(pid, va);
        return s < 0 ? MoveStatus.NOT_PRESENT : moveSlot(s, targetNode, cause);
    }

    /** move_pages(2) with one target node per page; returns the per-page status array. */
    public MoveStatus[] movePages(int pid, long[] vas, int[] targetNodes, MoveCause cause) {
        if (vas.length != targetNodes.length) throw new IllegalArgumentException("length mismatch");
        MoveStatus[] st = new MoveStatus[vas.length];
        for (int i = 0; i < vas.length; i++) st[i] = movePage(pid, vas[i], targetNodes[i], cause);
        return st;
    }

    /** Moves one page slot (splitting its folio if it is in one). */
    public MoveStatus moveSlot(int slot, int targetNode, MoveCause cause) {
        if (targetNode < 0 || targetNode >= nodes.length) return MoveStatus.FAILED;
        if (pt[slot] == NOT_PRESENT) return MoveStatus.NOT_PRESENT;
        if ((slotFlags[slot] & FLAG_BUSY) != 0) return MoveStatus.BUSY;
        if (nodeOfPfn(pfnOfSlot(slot)) == targetNode) return MoveStatus.ALREADY_ON_NODE;
        if (inFolio(slot)) split(slot);
        return moveSlotRaw(slot, targetNode, cause, true);
    }

    private MoveStatus moveSlotRaw(int slot, int targetNode, MoveCause cause, boolean charge) {
        long old = pfnOfSlot(slot);
        if (frameNode[(int) old] == targetNode) return MoveStatus.ALREADY_ON_NODE;
        long np = allocs[targetNode].allocate();
        if (np < 0) return MoveStatus.NO_CAPACITY;
        transfer(slot, (int) old, (int) np, cause);
        if (charge) migrationNs += cost.pageMigrationNs();
        return MoveStatus.MOVED;
    }

    /**
     * Moves the whole 2 MiB folio containing (pid, va). If the target has no free aligned 2 MiB block the
     * folio is split and its pages moved one by one (what the kernel does when it cannot allocate a THP).
     * Returns the 512 per-page statuses in VA order; a page not in a folio is moved alone (one status).
     */
    public MoveStatus[] moveFolio(int pid, long va, int targetNode, MoveCause cause) {
        int s = slotOf(pid, va);
        if (s < 0) return new MoveStatus[] {MoveStatus.NOT_PRESENT};
        if (!inFolio(s)) return new MoveStatus[] {moveSlot(s, targetNode, cause)};
        if (targetNode < 0 || targetNode >= nodes.length) return fill(MoveStatus.FAILED);
        int g = folioHeadSlot(s);
        for (int i = 0; i < FOLIO_PAGES; i++) if ((slotFlags[g + i] & FLAG_BUSY) != 0) return fill(MoveStatus.BUSY);
        if (nodeOfPfn(pfnOfSlot(g)) == targetNode) return fill(MoveStatus.ALREADY_ON_NODE);
        long base = allocs[targetNode].allocateFolio();
        MoveStatus[] st = new MoveStatus[FOLIO_PAGES];
        if (base < 0) {
            split(g);
            for (int i = 0; i < FOLIO_PAGES; i++) st[i] = moveSlotRaw(g + i, targetNode, cause, true);
            return st;
        }
        for (int i = 0; i < FOLIO_PAGES; i++) {
            transfer(g + i, (int) pfnOfSlot(g + i), (int) base + i, cause);
            st[i] = MoveStatus.MOVED;
        }
        migrationNs += cost.folioMigrationNs();
        migratedFolios++;
        return st;
    }

    private static MoveStatus[] fill(MoveStatus s) {
        MoveStatus[] st = new MoveStatus[FOLIO_PAGES];
        Arrays.fill(st, s);
        return st;
    }

    private int folioHeadSlot(int slot) {
        EmuProcess p = processOfSlot(slot);
        return p.slotBase() + ((slot - p.slotBase()) & ~(FOLIO_PAGES - 1));
    }

    /** Splits the folio containing a slot into 512 base pages (frames do not move). No-op outside folios. */
    public void split(int slot) {
        if (!inFolio(slot)) return;
        int g = folioHeadSlot(slot);
        for (int i = 0; i < FOLIO_PAGES; i++) slotFlags[g + i] &= ~FLAG_FOLIO;
        splits++;
    }

    private void transfer(int slot, int oldPfn, int newPfn, MoveCause cause) {
        if (oldPfn == newPfn) throw new IllegalStateException("move must change the pfn");
        if (rmap[newPfn] != -1) throw new IllegalStateException("frame " + newPfn + " already owned");
        int from = frameNode[oldPfn];
        int to = frameNode[newPfn];
        // counts follow the page so a mid-epoch move does not lose samples
        counters[2 * newPfn] = counters[2 * oldPfn];
        counters[2 * newPfn + 1] = counters[2 * oldPfn + 1];
        counters[2 * oldPfn] = 0;
        rmap[oldPfn] = -1;
        map(slot, newPfn);
        allocs[from].release(oldPfn);
        migratedPages++;
        if (cause == MoveCause.KERNEL) {
            kernelMoves++;
        } else {
            double lf = nodes[from].latencyNs();
            double lt = nodes[to].latencyNs();
            if (lt < lf) {
                promotedPages++;
                if (ppState[slot] == PP_DEMOTED_AFTER_PROMOTION) pingPongs++;
                ppState[slot] = PP_PROMOTED;
            } else if (lt > lf) {
                demotedPages++;
                if (ppState[slot] == PP_PROMOTED) ppState[slot] = PP_DEMOTED_AFTER_PROMOTION;
            }
        }
        if (!listeners.isEmpty()) {
            EmuProcess p = processOfSlot(slot);
            PfnMove m = new PfnMove(host, oldPfn, newPfn, p.pid(), p.vaOf(slot - p.slotBase()), cause, clockNs);
            for (PfnMoveListener l : listeners) l.onMove(m);
        }
    }

    /**
     * Background kernel moves (compaction-like): {@code n} randomly chosen mapped base pages are moved to another
     * frame of the same node, cause KERNEL. Returns how many moved (a full node cannot compact).
     */
    public int kernelMoves(int n, SplittableRandom rnd) {
        int moved = 0;
        if (slots == 0) return 0;
        for (int i = 0; i < n; i++) {
            int slot = rnd.nextInt(slots);
            if (pt[slot] == NOT_PRESENT || inFolio(slot) || (slotFlags[slot] & FLAG_BUSY) != 0) continue;
            long old = pfnOfSlot(slot);
            int node = frameNode[(int) old];
            long np = allocs[node].allocate();
            if (np < 0) continue;
            transfer(slot, (int) old, (int) np, MoveCause.KERNEL);
            moved++;
        }
        return moved;
    }

    // ------------------------------------------------------------------ epoch observations

    /** Accesses to a frame in the current epoch. */
    public int epochCount(long pfn) {
        return counters[2 * (int) pfn];
    }

    /** Sequence number (0-based within the epoch) of the first access to a frame; valid if epochCount > 0. */
    public int firstAccessSeq(long pfn) {
        return counters[2 * (int) pfn + 1];
    }

    /** Accesses served so far in this epoch. */
    public int epochAccesses() {
        return seq;
    }

    public long nodeHits(int node) {
        return nodeHits[node];
    }

    /** PFNs recorded by the PEBS-like sampler this epoch (shared buffer, valid until the next epoch). */
    public int[] pebsBuffer() {
        return pebsBuf;
    }

    public int pebsCount() {
        return pebsN;
    }

    public int pebsPeriod() {
        return pebsPeriod;
    }

    // ------------------------------------------------------------------ cumulative counters

    public long promotedPages() {
        return promotedPages;
    }

    public long demotedPages() {
        return demotedPages;
    }

    public long pingPongs() {
        return pingPongs;
    }

    public long migratedPages() {
        return migratedPages;
    }

    public long migratedFolios() {
        return migratedFolios;
    }

    public long kernelMoveCount() {
        return kernelMoves;
    }

    public long deviceFaults() {
        return deviceFaults;
    }

    public long splits() {
        return splits;
    }

    /** Emulated time spent migrating (policy moves, device faults), nanoseconds. */
    public double migrationNs() {
        return migrationNs;
    }

    /** Adds externally computed cost (e.g. batched decision overhead). */
    public void chargeNs(double ns) {
        migrationNs += ns;
    }

    /** Mapped pages per node (walks the reverse map; for checks and NodeStats). */
    public int usedPages(int node) {
        return nodes[node].capacityPages() - allocs[node].free();
    }

    /**
     * Consistency check used by tests: every mapped slot's frame maps back to it, no frame is owned twice, and
     * allocator state agrees with the reverse map. Throws IllegalStateException on the first violation.
     */
    public void checkInvariants() {
        int[] owners = new int[rmap.length];
        Arrays.fill(owners, -1);
        for (int s = 0; s < slots; s++) {
            long pfn = pfnOfSlot(s);
            if (pfn < 0) continue;
            if (owners[(int) pfn] != -1) throw new IllegalStateException("pfn " + pfn + " owned twice");
            owners[(int) pfn] = s;
            if (rmap[(int) pfn] != s) throw new IllegalStateException("rmap of " + pfn + " is not slot " + s);
            int node = frameNode[(int) pfn];
            if (node < 0 || allocs[node].isFree(pfn)) throw new IllegalStateException("mapped pfn " + pfn + " is free");
            boolean dp = pt[s] < 0;
            if (dp == nodeCpu[node]) throw new IllegalStateException("device-private encoding wrong for " + pfn);
        }
        int[] used = new int[nodes.length];
        for (int pfn = 0; pfn < rmap.length; pfn++) {
            if (rmap[pfn] != -1 && owners[pfn] != rmap[pfn]) throw new IllegalStateException("stale rmap " + pfn);
            int node = frameNode[pfn];
            if (node >= 0 && !allocs[node].isFree(pfn)) {
                used[node]++;
                if (rmap[pfn] == -1) throw new IllegalStateException("allocated pfn " + pfn + " has no owner");
            }
        }
        for (int n = 0; n < nodes.length; n++) {
            if (used[n] != usedPages(n)) throw new IllegalStateException("node " + n + " free count drift");
        }
    }
}
