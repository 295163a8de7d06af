package io.thermocline.emulator.policy;

import io.thermocline.emulator.NodeSpec;
import java.util.Comparator;
import java.util.List;

/** Tier helpers shared by the built-in policies. */
final class Tiers {
    private Tiers() {
    }

    /** CPU-accessible nodes ordered fastest first. */
    static int[] cpuNodesByLatency(MachineView v) {
        return v.nodes().stream().filter(n -> n.kind().cpuAccessible())
                .sorted(Comparator.comparingDouble(NodeSpec::latencyNs)).mapToInt(NodeSpec::id).toArray();
    }

    /** Fastest DRAM node with at least {@code need} free pages above {@code reserve}, else -1. */
    static int fastNodeWithRoom(MachineView v, int need, int reserve) {
        for (int n : cpuNodesByLatency(v)) {
            if (v.isFast(n) && v.freePages(n) - reserve >= need) return n;
        }
        return -1;
    }

    /** The next slower CPU node after {@code node} with free room, else -1. */
    static int demotionTarget(MachineView v, int node) {
        double lat = v.node(node).latencyNs();
        int best = -1;
        for (NodeSpec n : v.nodes()) {
            if (!n.kind().cpuAccessible() || n.latencyNs() <= lat || v.freePages(n.id()) == 0) continue;
            if (best < 0 || n.latencyNs() < v.node(best).latencyNs()) best = n.id();
        }
        return best;
    }

    static int fastCapacity(List<NodeSpec> nodes) {
        int c = 0;
        for (NodeSpec n : nodes) if (n.kind() == io.thermocline.emulator.TierKind.DRAM) c += n.capacityPages();
        return c;
    }
}
