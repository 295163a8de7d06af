package io.thermocline.emulator.policy;

import io.thermocline.emulator.TierKind;

/** Node view given to policies each epoch (shape of the Avro {@code NodeStats}). */
public record NodeStats(String host, int node, TierKind kind, int capacityPages, int freePages, double latencyNs,
                        double bandwidthGBps) {
    public int usedPages() {
        return capacityPages - freePages;
    }
}
