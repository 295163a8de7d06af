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

    /** Cold candidates are pages under this many times the host's last hot threshold (hot ones: over 1/4 of it). */
    static final long COLD_CEILING_FACTOR = 4;

    private final HotnessConfig config;
    private final ProcessingContext context;
    private final KeyValueStore<Bytes, byte[]> heat;
    private final KeyValueStore<Bytes, byte[]> owners;
    private final KeyValueStore<String, byte[]> views;
    private String pinsHost;
    private long pinsAtMs;
    private List<PolicyPin> pinsCache = List.of();

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
     * Summary of one block for stage 2: heat histogram, the hottest pages if a faster tier exists,
     * the coldest if a slower tier exists (only pages near or under the last threshold either way: a block of a
     * settled host names few), and pages living against a pin.
     */
    BlockSummary summarize(String host, long block, BlockState s, long windowEndMs, long epoch) {
        long[] hist = new long[BlockSummary.BINS];
        int n = s.size();
        for (int i = 0; i < n; i++) {
            hist[Heat16.bin(s.heatAt(i))]++;
        }
        long base = block << shift();
        Owners owned = ownersOfBlock(host, base);
        if (owned.size == 0) {
            // candidates must have an owner (decisions name pid + VA): only the histogram to tell
            return new BlockSummary(host, block, s.node(), windowEndMs, epoch, hist, List.of(), List.of(), List.of());
        }
        // tracked pages with an owner, as (heat << 16 | index), in offset order
        long[] byHeat = new long[Math.min(n, owned.size)];
        int m = 0;
        for (int i = 0, j = 0; i < n && j < owned.size; ) {
            int off = s.offsetAt(i);
            int o = owned.offsets[j];
            if (off == o) {
                byHeat[m++] = (s.heatAt(i) << 16) | i;
                i++;
                j++;
            } else if (off < o) {
                i++;
            } else {
                j++;
            }
        }
        int limit = config.candidatesPerBlock();
        boolean sorted = m > limit; // stage 2 orders the candidates itself: sort only to cut the lists
        if (sorted) {
            Arrays.sort(byHeat, 0, m);
        }
        HostView view = view(host);
        int rank = view.rankOf(s.node());
        boolean known = rank >= 0;
        boolean fasterExists = !known || rank > view.minRank();
        boolean slowerExists = !known || rank < view.maxRank();
        List<Candidate> hot = new ArrayList<>();
        List<Candidate> cold = new ArrayList<>();
        List<Candidate> pinned = new ArrayList<>();
        if (fasterExists) {
            long floor = Math.max(1, view.threshold() / 4);
            for (int k = m - 1; k >= 0 && hot.size() < limit; k--) {
                long h = byHeat[k] >>> 16;
                if (h < floor) {
                    if (sorted) {
                        break;
                    }
                    continue;
                }
                hot.add(candidate(base, s, (int) (byHeat[k] & 0xFFFF), owned));
            }
        }
        if (slowerExists) {
            // stage 2 demotes only pages under the threshold; the margin covers a threshold that rises by up to two
            // bins before the next evaluation. Threshold 1 (everything fits, or not evaluated yet): no ceiling
            long t = view.threshold();
            long ceiling = t <= 1 ? Long.MAX_VALUE : t * COLD_CEILING_FACTOR;
            for (int k = 0; k < m && cold.size() < limit; k++) {
                if ((byHeat[k] >>> 16) >= ceiling) {
                    if (sorted) {
                        break;
                    }
                    continue;
                }
                cold.add(candidate(base, s, (int) (byHeat[k] & 0xFFFF), owned));
            }
        }
        List<PolicyPin> pins = activePins(host, windowEndMs);
        if (!pins.isEmpty() && known) {
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
