package io.thermocline.emulator;

/**
 * Static description of one NUMA node of an emulated host.
 *
 * @param id             node id (0..n-1, dense)
 * @param kind           tier kind
 * @param capacityPages  number of 4 KiB frames the node owns
 * @param latencyNs      load-to-use latency of one access, nanoseconds
 * @param bandwidthGBps  peak bandwidth, GB/s (reported in NodeStats; the latency-bound cost model does not use it)
 */
public record NodeSpec(int id, TierKind kind, int capacityPages, double latencyNs, double bandwidthGBps) {
    public NodeSpec {
        if (id < 0) throw new IllegalArgumentException("node id must be >= 0: " + id);
        if (kind == null) throw new IllegalArgumentException("kind is required");
        if (capacityPages < 0) throw new IllegalArgumentException("capacity must be >= 0: " + capacityPages);
        if (!(latencyNs > 0)) throw new IllegalArgumentException("latency must be > 0: " + latencyNs);
        if (!(bandwidthGBps > 0)) throw new IllegalArgumentException("bandwidth must be > 0: " + bandwidthGBps);
    }
}
