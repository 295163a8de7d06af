package io.thermocline.hotness.state;

import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.TierKind;

/** What stage 2 needs of one NUMA node. */
public record NodeInfo(int node, TierKind tier, int tierRank, long capacityPages, long freePages, int latencyNs,
                       int[] distances) {

    public static NodeInfo of(NodeStats s) {
        int[] d = s.getDistances().stream().mapToInt(Integer::intValue).toArray();
        return new NodeInfo(s.getNode(), s.getTier(), s.getTierRank(), s.getCapacityPages(), s.getFreePages(),
                s.getLatencyNs(), d);
    }

    /** SLIT distance from this node to another; 10 to itself, 20 + rank difference when unknown. */
    public int distanceTo(int other, int otherRank) {
        if (other == node) {
            return 10;
        }
        if (distances != null && other >= 0 && other < distances.length && distances[other] > 0) {
            return distances[other];
        }
        return 20 + Math.abs(otherRank - tierRank) * 10;
    }
}
