package io.thermocline.hotness.stage1;

import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.stage2.Pins;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.BlockSummary;
import io.thermocline.hotness.state.Candidate;
import io.thermocline.hotness.state.Heat16;
import io.thermocline.hotness.state.HostView;
import io.thermocline.hotness.state.OwnerInfo;
import io.thermocline.hotness.state.StoreKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Stage-1 state access shared by the fold, move and owner processors of one task. */
final class Stage1Stores {

    /** Above this many qualifying pages (of 512 in a block by default), one range scan instead of a lookup each. */
    static final int RANGE_SCAN_ABOVE = 128;
    /**
     * Owner entries (known owners and known absences) the cache of one task's window processor holds at most;
     * an entry is the stored value (tens of bytes) and, once its page was a candidate, the decoded owner.
     */
    static final int MAX_CACHED_OWNERS = 1 << 17;
    /** Blocks the cache holds at most (those known to have no owner hold no entry). */
    static final int MAX_CACHED_BLOCKS = 1 << 16;

    /**
     * Decoded block states the window processor's instance keeps at most (~8 bytes per tracked page each): a block
     * folded every window is decoded once, not at every fold.
     */
    static final int MAX_CACHED_STATES = 1 << 11;

    private final HotnessConfig config;
    private final ProcessingContext context;
    private final KeyValueStore<Bytes, byte[]> heat;
    private final KeyValueStore<Bytes, byte[]> owners;
    private final KeyValueStore<String, byte[]> views;
    private String pinsHost;
    private long pinsAtMs;
    private List<PolicyPin> pinsCache = List.of();
    private boolean lastCut;
    private String viewHost;
    private HostView viewCache;
    /** Owners looked up for earlier summaries, per block, least recently used first; see {@link #forgetOwners}. */
    private final LinkedHashMap<Bytes, Owners> ownerCache = new LinkedHashMap<>();
    private long cachedOwners;
    /**
     * Block states as last saved through this instance, least recently used first; null when not kept. Other
     * writers of the heat store (owner and move processors) mark the blocks they write dirty, and the owner of
     * the cache forgets those ({@link #forgetState}) before it reads them.
     */
    private final LinkedHashMap<Bytes, BlockState> stateCache;

    Stage1Stores(HotnessConfig config, ProcessingContext context) {
        this(config, context, false);
    }

    /** @param keepStates keep decoded block states across loads (the window processor's instance only) */
    Stage1Stores(HotnessConfig config, ProcessingContext context, boolean keepStates) {
        this.stateCache = keepStates ? new LinkedHashMap<>(256, 0.75f, true) : null;
        this.config = config;
        this.context = context;
        this.heat = context.getStateStore(HotnessTopology.HEAT_STORE);
        this.owners = context.getStateStore(HotnessTopology.OWNER_STORE);
        this.views = context.getStateStore(HotnessTopology.HOST_VIEW_STORE);
    }

    int shift() {
        return config.blockShift();
    }

    /**
     * The block's state. With kept states, the instance returned may be the cached one: a caller that changes it
     * must {@link #save} it (or {@link #forgetStates} on failure).
     */
    BlockState load(String host, long block) {
        Bytes key = StoreKeys.hostLong(host, block);
        if (stateCache != null) {
            BlockState kept = stateCache.get(key);
            if (kept != null) {
                return kept;
            }
        }
        byte[] b = heat.get(key);
        return b == null ? BlockState.empty(shift()) : BlockState.fromBytes(b);
    }

    /** Writes the block, or a tombstone when nothing is tracked in it any more. */
    void save(String host, long block, BlockState s) {
        Bytes key = StoreKeys.hostLong(host, block);
        if (s.isEmpty()) {
            heat.delete(key);
            if (stateCache != null) {
                stateCache.remove(key);
            }
        } else {
            heat.put(key, s.toBytes());
            if (stateCache != null) {
                stateCache.put(key, s);
                if (stateCache.size() > MAX_CACHED_STATES) {
                    Iterator<BlockState> eldest = stateCache.values().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
        }
    }

    /** Another writer changed the block's stored state. */
    void forgetState(String host, long block) {
        if (stateCache != null) {
            stateCache.remove(StoreKeys.hostLong(host, block));
        }
    }

    void forgetStates() {
        if (stateCache != null) {
            stateCache.clear();
        }
    }

    OwnerInfo owner(String host, long pfn) {
        byte[] b = owners.get(StoreKeys.hostLong(host, pfn));
        return b == null ? null : OwnerInfo.fromBytes(b);
    }

    void putOwner(String host, long pfn, OwnerInfo o) {
        owners.put(StoreKeys.hostLong(host, pfn), o.toBytes());
    }

    void deleteOwner(String host, long pfn) {
        owners.delete(StoreKeys.hostLong(host, pfn));
    }

    /**
     * The host's view for the summaries of one window close, read once: stage 2 changes it only when it evaluates,
     * after the close's summaries. Call {@link #forgetView} when a close begins.
     */
    private HostView closeView(String host) {
        if (!host.equals(viewHost)) {
            viewCache = HostView.fromBytes(views.get(host));
            viewHost = host;
        }
        return viewCache;
    }

    /** A window close begins: the views read for the last one may be stale. */
    void forgetView() {
        viewHost = null;
        viewCache = null;
    }

    /**
     * Summary of one block for stage 2: heat histogram, the hottest pages (over a quarter of the host's last
     * threshold) if a faster tier exists, the coldest if a slower tier exists, and pages living against a pin.
     * With {@code cutCold}, cold candidates are only pages under the last threshold - stage 2 demotes no other -
     * so a settled block names few; the caller must summarize the block again, uncut, if it goes idle (stage 2
     * keeps a summary until the next one, decaying it), see {@link #lastCut()}.
     */
    BlockSummary summarize(String host, long block, BlockState s, long windowEndMs, long epoch, boolean cutCold) {
        lastCut = false;
        long[] hist = new long[BlockSummary.BINS];
        int n = s.size();
        long base = block << shift();
        HostView view = closeView(host);
        int rank = view.rankOf(s.node());
        boolean known = rank >= 0;
        boolean fasterExists = !known || rank > view.minRank();
        boolean slowerExists = !known || rank < view.maxRank();
        long t = view.threshold();
        long floor = Math.max(1, t / 4);
        long ceiling = cutCold ? t : Long.MAX_VALUE;
        List<PolicyPin> pins = known ? activePins(host, windowEndMs) : List.of();
        // histogram, and how many tracked pages may become candidates
        int m = 0;
        boolean above = false;
        for (int i = 0; i < n; i++) {
            long h = s.heatAt(i);
            hist[Heat16.bin(h)]++;
            if (fasterExists && h >= floor || slowerExists && h < ceiling) {
                m++;
            }
            above |= h >= ceiling;
        }
        boolean cut = slowerExists && above;
        if (m == 0 && pins.isEmpty()) {
            Owners cached = ownerCache.get(StoreKeys.hostLong(host, block));
            lastCut = cut && (cached == null || !cached.complete || cached.anyOwner());
            return new BlockSummary(host, block, s.node(), windowEndMs, epoch, hist, List.of(), List.of(), List.of());
        }
        Bytes key = StoreKeys.hostLong(host, block);
        if (pins.isEmpty() && knownOwnerless(key)) {
            lastCut = false; // no page of the block has an owner: only the histogram to tell
            return new BlockSummary(host, block, s.node(), windowEndMs, epoch, hist, List.of(), List.of(), List.of());
        }
        // those pages as (heat << 16 | index); sorted by heat once owners are known
        long[] byHeat = new long[m];
        for (int i = 0, j = 0; j < m; i++) {
            long h = s.heatAt(i);
            if (fasterExists && h >= floor || slowerExists && h < ceiling) {
                byHeat[j++] = (h << 16) | i;
            }
        }
        // owners: cached from earlier windows, a few point lookups, or one range scan when many pages qualify or
        // pins need all
        Owners owned = owners(host, key, block, s, byHeat, m, !pins.isEmpty());
        if (!owned.anyOwner()) {
            // candidates must have an owner (decisions name pid + VA): only the histogram to tell
            lastCut = cut && !owned.complete;
            return new BlockSummary(host, block, s.node(), windowEndMs, epoch, hist, List.of(), List.of(), List.of());
        }
        lastCut = cut;
        Arrays.sort(byHeat, 0, m);
        int limit = config.candidatesPerBlock();
        List<Candidate> hot = new ArrayList<>();
        List<Candidate> cold = new ArrayList<>();
        List<Candidate> pinned = new ArrayList<>();
        if (fasterExists) {
            for (int k = m - 1; k >= 0 && hot.size() < limit && (byHeat[k] >>> 16) >= floor; k--) {
                int i = (int) (byHeat[k] & 0xFFFF);
                OwnerInfo o = owned.of(s.offsetAt(i));
                if (o != null) {
                    hot.add(candidate(base, s, i, o));
                }
            }
        }
        if (slowerExists) {
            for (int k = 0; k < m && cold.size() < limit && (byHeat[k] >>> 16) < ceiling; k++) {
                int i = (int) (byHeat[k] & 0xFFFF);
                OwnerInfo o = owned.of(s.offsetAt(i));
                if (o != null) {
                    cold.add(candidate(base, s, i, o));
                }
            }
        }
        if (!pins.isEmpty()) {
            for (int i = 0; i < n && pinned.size() < limit; i++) {
                OwnerInfo o = owned.of(s.offsetAt(i));
                if (o != null && Pins.judge(pins, o.pid(), o.vaddr(), o.cgroup(), o.comm(), s.node(), view).verdict()
                        == Pins.Verdict.VIOLATED) {
                    pinned.add(candidate(base, s, i, o));
                }
            }
        }
        return new BlockSummary(host, block, s.node(), windowEndMs, epoch, hist, hot, cold, pinned);
    }

    /** Whether the last summary left cold pages out that an uncut one would name. */
    boolean lastCut() {
        return lastCut;
    }

    /**
     * What is known of one block's owners, by offset in the block, ascending: the stored bytes ({@code null}: no
     * owner), decoded only for pages that become candidates. {@code complete}: every offset is known (absent = no
     * owner).
     */
    private static final class Owners {
        int size;
        int[] offsets = new int[16];
        byte[][] raw = new byte[16][];
        OwnerInfo[] infos = new OwnerInfo[16];
        boolean complete;

        /** Appends in ascending offset order (the range scan's). */
        void add(int offset, byte[] value) {
            if (size > 0 && offset <= offsets[size - 1]) {
                throw new IllegalStateException("owner store range scan out of key order at offset " + offset);
            }
            grow(size + 1);
            offsets[size] = offset;
            raw[size++] = value;
        }

        /** Merges lookups of offsets not known yet (ascending, disjoint from the known ones). */
        void merge(int[] more, byte[][] values, int n) {
            grow(size + n);
            int i = size - 1;
            int j = n - 1;
            for (int k = size + n - 1; j >= 0; k--) {
                if (i >= 0 && offsets[i] > more[j]) {
                    offsets[k] = offsets[i];
                    raw[k] = raw[i];
                    infos[k] = infos[i--];
                } else {
                    offsets[k] = more[j];
                    raw[k] = values[j--];
                    infos[k] = null;
                }
            }
            size += n;
        }

        private void grow(int need) {
            if (need > offsets.length) {
                int cap = Math.max(need, offsets.length * 2);
                offsets = Arrays.copyOf(offsets, cap);
                raw = Arrays.copyOf(raw, cap);
                infos = Arrays.copyOf(infos, cap);
            }
        }

        boolean knows(int offset) {
            return complete || Arrays.binarySearch(offsets, 0, size, offset) >= 0;
        }

        /** Known offsets that have an owner. */
        int owned() {
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (raw[i] != null) {
                    n++;
                }
            }
            return n;
        }

        boolean anyOwner() {
            for (int i = 0; i < size; i++) {
                if (raw[i] != null) {
                    return true;
                }
            }
            return false;
        }

        OwnerInfo of(int offset) {
            int i = Arrays.binarySearch(offsets, 0, size, offset);
            if (i < 0 || raw[i] == null) {
                return null;
            }
            if (infos[i] == null) {
                infos[i] = OwnerInfo.fromBytes(raw[i]);
            }
            return infos[i];
        }
    }

    /** Owners of one block's frames: one range scan instead of a lookup per candidate. */
    private Owners ownersOfBlock(String host, long base) {
        Owners out = new Owners();
        try (KeyValueIterator<Bytes, byte[]> it = owners.range(StoreKeys.hostLong(host, base),
                StoreKeys.hostLong(host, base + (1L << shift()) - 1))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.add((int) (StoreKeys.longPart(kv.key) - base), kv.value);
            }
        }
        out.complete = true;
        return out;
    }

    /**
     * Owners of the qualifying pages (all of the block's when {@code all}), from the cache of earlier summaries
     * where known, else by point lookups, or one range scan when many are unknown.
     */
    private Owners owners(String host, Bytes key, long block, BlockState s, long[] byHeat, int m, boolean all) {
        long base = block << shift();
        Owners known = ownerCache.remove(key); // re-inserted below: most recently used last
        if (known != null) {
            cachedOwners -= known.size;
        }
        int[] need = new int[m];
        int u = 0;
        if (known == null || !known.complete) {
            for (int k = 0; k < m; k++) {
                int off = s.offsetAt((int) (byHeat[k] & 0xFFFF));
                if (known == null || !known.knows(off)) {
                    need[u++] = off;
                }
            }
        }
        if (all && (known == null || !known.complete)) {
            known = ownersOfBlock(host, base);
        } else if (u > 0) {
            // a few unknown: point lookups; many (a block's first summary): one scan, keeping only the pages
            // asked about - once the threshold is known a block has few candidates, and a whole block's owners
            // would crowd the cache
            Owners scanned = u > RANGE_SCAN_ABOVE ? ownersOfBlock(host, base) : null;
            if (scanned != null && scanned.size == 0) {
                return cache(key, scanned); // no owner in the block: known, and it costs no entry
            }
            Arrays.sort(need, 0, u);
            byte[][] values = new byte[u][];
            for (int k = 0; k < u; k++) {
                if (scanned == null) {
                    values[k] = owners.get(StoreKeys.hostLong(host, base + need[k]));
                } else {
                    int i = Arrays.binarySearch(scanned.offsets, 0, scanned.size, need[k]);
                    values[k] = i >= 0 ? scanned.raw[i] : null;
                }
            }
            if (known == null) {
                known = new Owners();
            }
            known.merge(need, values, u);
            // the scan's owners all asked about now: the block is known whole, later summaries look nothing up
            known.complete = scanned != null && known.owned() == scanned.size;
        } else if (known == null) {
            known = new Owners();
        }
        return cache(key, known);
    }

    private Owners cache(Bytes key, Owners known) {
        ownerCache.put(key, known);
        cachedOwners += known.size;
        Iterator<Map.Entry<Bytes, Owners>> eldest = ownerCache.entrySet().iterator();
        while ((cachedOwners > MAX_CACHED_OWNERS || ownerCache.size() > MAX_CACHED_BLOCKS) && eldest.hasNext()) {
            Owners gone = eldest.next().getValue();
            if (gone == known) {
                break;
            }
            cachedOwners -= gone.size;
            eldest.remove();
        }
        return known;
    }

    /** Whether the cache knows the block has no owner at all (then marked most recently used). */
    private boolean knownOwnerless(Bytes key) {
        Owners known = ownerCache.get(key);
        if (known == null || !known.complete || known.anyOwner()) {
            return false;
        }
        ownerCache.remove(key);
        ownerCache.put(key, known);
        return true;
    }

    /** The block's owners changed (owner record, move): what the cache knows of them is stale. */
    void forgetOwners(String host, long block) {
        Owners gone = ownerCache.remove(StoreKeys.hostLong(host, block));
        if (gone != null) {
            cachedOwners -= gone.size;
        }
    }

    /** Pins of the host at a time; summaries of one close share the answer. */
    private List<PolicyPin> activePins(String host, long nowMs) {
        if (!host.equals(pinsHost) || nowMs != pinsAtMs) {
            pinsCache = Pins.active(context, HotnessTopology.PINS_STORE, host, nowMs);
            pinsHost = host;
            pinsAtMs = nowMs;
        }
        return pinsCache;
    }

    private static Candidate candidate(long base, BlockState s, int i, OwnerInfo o) {
        return new Candidate(base + s.offsetAt(i), s.genAt(i), s.heatAt(i), o.pid(), o.vaddr(), o.folioOrder(),
                o.cgroup(), o.comm());
    }
}
