package io.thermocline.hotness.state;

import io.thermocline.avro.telemetry.TierKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Per-host node view (from NodeStats) and the last hot threshold, shared by stage 1 and stage 2. */
public final class HostView {

    private final TreeMap<Integer, NodeInfo> nodes = new TreeMap<>();
    private long threshold = 1;

    public List<NodeInfo> nodes() {
        return new ArrayList<>(nodes.values());
    }

    public NodeInfo node(int id) {
        return nodes.get(id);
    }

    public void put(NodeInfo n) {
        nodes.put(n.node(), n);
    }

    public long threshold() {
        return threshold;
    }

    public void threshold(long t) {
        this.threshold = t;
    }

    public int minRank() {
        return nodes.values().stream().mapToInt(NodeInfo::tierRank).min().orElse(0);
    }

    public int maxRank() {
        return nodes.values().stream().mapToInt(NodeInfo::tierRank).max().orElse(0);
    }

    /** Rank of a node, or -1 when unknown. */
    public int rankOf(int node) {
        NodeInfo n = nodes.get(node);
        return n == null ? -1 : n.tierRank();
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeLong(threshold);
            out.writeInt(nodes.size());
            for (NodeInfo n : nodes.values()) {
                out.writeInt(n.node());
                out.writeInt(n.tier().ordinal());
                out.writeInt(n.tierRank());
                out.writeLong(n.capacityPages());
                out.writeLong(n.freePages());
                out.writeInt(n.latencyNs());
                out.writeInt(n.distances().length);
                for (int d : n.distances()) {
                    out.writeInt(d);
                }
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HostView fromBytes(byte[] b) {
        HostView v = new HostView();
        if (b == null) {
            return v;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            v.threshold = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                int node = in.readInt();
                TierKind tier = TierKind.values()[in.readInt()];
                int rank = in.readInt();
                long cap = in.readLong();
                long free = in.readLong();
                int lat = in.readInt();
                int[] d = new int[in.readInt()];
                for (int j = 0; j < d.length; j++) {
                    d[j] = in.readInt();
                }
                v.put(new NodeInfo(node, tier, rank, cap, free, lat, d));
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
