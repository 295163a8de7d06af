package io.thermocline.hotness.iq;

import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.HostState;
import io.thermocline.hotness.state.HostView;
import io.thermocline.hotness.state.NodeInfo;
import io.thermocline.hotness.state.OwnerInfo;
import io.thermocline.hotness.state.StoreKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Answers the interactive queries from the local stores (the caller routed the host to this instance). */
public final class HotnessQueries {

    /** One tracked page as the endpoint shows it. */
    public record PageView(String host, long pfn, int generation, long heat, int node, Integer pid, Long vaddr,
                           String cgroup, String comm, Integer folioOrder) {
    }

    private final ReadOnlyKeyValueStore<Bytes, byte[]> heat;
    private final ReadOnlyKeyValueStore<Bytes, byte[]> owners;
    private final ReadOnlyKeyValueStore<String, byte[]> views;
    private final ReadOnlyKeyValueStore<String, byte[]> hostStates;
    private final int shift;

    public HotnessQueries(ReadOnlyKeyValueStore<Bytes, byte[]> heat, ReadOnlyKeyValueStore<Bytes, byte[]> owners,
                          ReadOnlyKeyValueStore<String, byte[]> views, ReadOnlyKeyValueStore<String, byte[]> hostStates,
                          int shift) {
        this.heat = heat;
        this.owners = owners;
        this.views = views;
        this.hostStates = hostStates;
        this.shift = shift;
    }

    /** The k hottest tracked pages of a host, hottest first. */
    public List<PageView> top(String host, int k) {
        PriorityQueue<long[]> best = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        Map<Long, Integer> nodes = new LinkedHashMap<>();
        Map<Long, Integer> gens = new LinkedHashMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = heat.prefixScan(StoreKeys.hostPrefix(host), new BytesSerializer())) {
            while (it.hasNext()) {
                var kv = it.next();
                long block = StoreKeys.longPart(kv.key);
                BlockState s = BlockState.fromBytes(kv.value);
                for (int i = 0; i < s.size(); i++) {
                    long h = s.heatAt(i);
                    if (best.size() < k || h > best.peek()[0]) {
                        long pfn = (block << shift) + s.offsetAt(i);
                        best.add(new long[] {h, pfn});
                        nodes.put(pfn, s.node());
                        gens.put(pfn, s.genAt(i));
                        if (best.size() > k) {
                            best.poll();
                        }
                    }
                }
            }
        }
        List<PageView> out = new ArrayList<>();
        while (!best.isEmpty()) {
            long[] e = best.poll();
            out.add(0, view(host, e[1], gens.get(e[1]), e[0], nodes.get(e[1])));
        }
        return out;
    }

    /** One page, or null when the host does not track it. */
    public PageView page(String host, long pfn) {
        long block = pfn >> shift;
        byte[] b = heat.get(StoreKeys.hostLong(host, block));
        if (b == null) {
            return null;
        }
        BlockState s = BlockState.fromBytes(b);
        int i = s.indexOf((int) (pfn - (block << shift)));
        return i < 0 ? null : view(host, pfn, s.genAt(i), s.heatAt(i), s.node());
    }

    /** Threshold, nodes and decision counters of a host. */
    public Map<String, Object> stats(String host) {
        HostView v = HostView.fromBytes(views.get(host));
        HostState hs = HostState.fromBytes(hostStates.get(host));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("host", host);
        out.put("threshold", v.threshold());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeInfo n : v.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.node());
            m.put("tier", n.tier().toString());
            m.put("tierRank", n.tierRank());
            m.put("capacityPages", n.capacityPages());
            m.put("freePages", n.freePages());
            nodes.add(m);
        }
        out.put("nodes", nodes);
        out.put("counters", hs.counters);
        return out;
    }

    private PageView view(String host, long pfn, int gen, long h, int node) {
        byte[] o = owners.get(StoreKeys.hostLong(host, pfn));
        OwnerInfo w = o == null ? null : OwnerInfo.fromBytes(o);
        return new PageView(host, pfn, gen, h, node, w == null ? null : w.pid(), w == null ? null : w.vaddr(),
                w == null ? null : w.cgroup(), w == null ? null : w.comm(), w == null ? null : w.folioOrder());
    }
}
