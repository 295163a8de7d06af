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
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Stage-1 state access shared by the fold, move and owner processors of one task. */
final class Stage1Stores {

    /** Above this many qualifying pages, one range scan over the block's owners beats a lookup per page. */
    static final int RANGE_SCAN_ABOVE = 48;

    private final HotnessConfig config;
    private final ProcessingContext context;
    private final KeyValueStore<Bytes, byte[]> heat;
    private final KeyValueStore<Bytes, byte[]> owners;
    private final KeyValueStore<String, byte[]> views;
    private String pinsHost;
    private long pinsAtMs;
    private List<PolicyPin> pinsCache = List.of();
    private boolean lastCut;

    Stage1Stores(HotnessConfig config, ProcessingContext context) {
        this.config = config;
        this.context = context;
        this.heat = context.getStateStore(HotnessTopology.HEAT_STORE);
        this.owners = context.getStateStore(HotnessTopology.OWNER_STORE);
        this.views = context.getStateStore(HotnessTopology.HOST_VIEW_STORE);
    }

    int shift() {
        return config.blockShift();
    }

    BlockState load(String host, long block) {
        byte[] b = heat.get(StoreKeys.hostLong(host, block));
        return b == null ? BlockState.empty(shift()) : BlockState.fromBytes(b);
    }

    /** Writes the block, or a tombstone when nothing is tracked in it any more. */
    void save(String host, long block, BlockState s) {
        Bytes key = StoreKeys.hostLong(host, block);
        if (s.isEmpty()) {
            heat.delete(key);
        } else {
            heat.put(key, s.toBytes());
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

    HostView view(String host) {
        return HostView.fromBytes(views.get(host));
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
        for (int i = 0; i < n; i++) {
            hist[Heat16.bin(s.heatAt(i))]++;
        }
        long base = block << shift();
        HostView view = view(host);
        int rank = view.rankOf(s.node());
        boolean known = rank >= 0;
        boolean fasterExists = !known || rank > view.minRank();
        boolean slowerExists = !known || rank < view.maxRank();
        long t = view.threshold();
        long floor = Math.max(1, t / 4);
        long ceiling = cutCold ? t : Long.MAX_VALUE;
        List<PolicyPin> pins = known ? activePins(host, windowEndMs) : List.of();
        // tracked pages that may become candidates, as (heat << 16 | index), by heat
        long[] byHeat = new long[n];
        int m = 0;
        boolean above = false;
        for (int i = 0; i < n; i++) {
            long h = s.heatAt(i);
            if (fasterExists && h >= floor || slowerExists && h < ceiling) {
                byHeat[m++] = (h << 16) | i;
            }
            above |= h >= ceiling;
        }
        lastCut = slowerExists && above;
        if (m == 0 && pins.isEmpty()) {
            return new BlockSummary(host, block, s.node(), windowEndMs, epoch, hist, List.of(), List.of(), List.of());
        }
        Arrays.sort(byHeat, 0, m);
        // owners: a few point lookups for a settled block, one range scan when many pages qualify or pins need all
        Owners owned = m > RANGE_SCAN_ABOVE || !pins.isEmpty() ? ownersOfBlock(host, base)
                : ownersOf(host, base, s, byHeat, m);
        if (owned.size == 0) {
            // candidates must have an owner (decisions name pid + VA): only the histogram to tell
            return new BlockSummary(host, block, s.node(), windowEndMs, epoch, hist, List.of(), List.of(), List.of());
        }
        int limit = config.candidatesPerBlock();
        List<Candidate> hot = new ArrayList<>();
        List<Candidate> cold = new ArrayList<>();
        List<Candidate> pinned = new ArrayList<>();
        if (fasterExists) {
            for (int k = m - 1; k >= 0 && hot.size() < limit && (byHeat[k] >>> 16) >= floor; k--) {
                int i = (int) (byHeat[k] & 0xFFFF);
                if (owned.of(s.offsetAt(i)) != null) {
                    hot.add(candidate(base, s, i, owned));
                }
            }
        }
        if (slowerExists) {
            for (int k = 0; k < m && cold.size() < limit && (byHeat[k] >>> 16) < ceiling; k++) {
                int i = (int) (byHeat[k] & 0xFFFF);
                if (owned.of(s.offsetAt(i)) != null) {
                    cold.add(candidate(base, s, i, owned));
                }
            }
        }
        if (!pins.isEmpty()) {
            for (int i = 0; i < n && pinned.size() < limit; i++) {
                OwnerInfo o = owned.of(s.offsetAt(i));
                if (o != null && Pins.judge(pins, o.pid(), o.vaddr(), o.cgroup(), o.comm(), s.node(), view).verdict()
                        == Pins.Verdict.VIOLATED) {
                    pinned.add(candidate(base, s, i, owned));
                }
            }
        }
        return new BlockSummary(host, block, s.node(), windowEndMs, epoch, hist, hot, cold, pinned);
    }

    /** Whether the last summary left cold pages out that an uncut one would name. */
    boolean lastCut() {
        return lastCut;
    }

    /** Owners of the qualifying pages only, by point lookups, in offset order. */
    private Owners ownersOf(String host, long base, BlockState s, long[] byHeat, int m) {
        int[] offsets = new int[m];
        for (int k = 0; k < m; k++) {
            offsets[k] = s.offsetAt((int) (byHeat[k] & 0xFFFF));
        }
        Arrays.sort(offsets);
        Owners out = new Owners();
        for (int off : offsets) {
            byte[] v = owners.get(StoreKeys.hostLong(host, base + off));
            if (v != null) {
                out.add(off, v);
            }
        }
        return out;
    }

    /**
     * Owners of one block's frames by offset in the block, ascending (the range scan's order), kept as stored
     * bytes: only the few that become candidates are decoded.
     */
    private static final class Owners {
        int size;
        int[] offsets = new int[16];
        byte[][] raw = new byte[16][];
        OwnerInfo[] infos = new OwnerInfo[16];

        void add(int offset, byte[] value) {
            if (size > 0 && offset <= offsets[size - 1]) {
                throw new IllegalStateException("owner store range scan out of key order at offset " + offset);
            }
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                raw = Arrays.copyOf(raw, size * 2);
                infos = Arrays.copyOf(infos, size * 2);
            }
            offsets[size] = offset;
            raw[size++] = value;
        }

        OwnerInfo of(int offset) {
            int i = Arrays.binarySearch(offsets, 0, size, offset);
            if (i < 0) {
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
        return out;
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

    private static Candidate candidate(long base, BlockState s, int i, Owners owned) {
        OwnerInfo o = owned.of(s.offsetAt(i));
        return new Candidate(base + s.offsetAt(i), s.genAt(i), s.heatAt(i), o.pid(), o.vaddr(), o.folioOrder(),
                o.cgroup(), o.comm());
    }
}
