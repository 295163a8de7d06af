package io.thermocline.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The by-host partitioning of {@link Topics#PAGE_ACCESS} (and of the hotness app's by-host repartition
 * topics): murmur2 of the UTF-8 host id, as Kafka's default partitioner hashes a key. One partition then
 * holds all of a host's blocks in the order its sampler published them, so the hotness app keeps event
 * time and closes windows per host, and a sampler's end-of-window marker follows all of its batches.
 */
public final class HostPartitioning {

    private HostPartitioning() {
    }

    /** Partition of {@code host} in a topic of {@code numPartitions} partitions. */
    public static int partition(CharSequence host, int numPartitions) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
        }
        return Utils.toPositive(Utils.murmur2(host.toString().getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
