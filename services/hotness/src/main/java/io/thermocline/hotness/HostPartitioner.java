package io.thermocline.hotness;

import io.thermocline.topics.HostPartitioning;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions every stage-1/stage-2 stream by host (murmur2 of the UTF-8 host, like the default
 * partitioner), so one task holds all of a host's blocks: a PFN move between blocks and the per-host
 * decision stage stay inside one task with no extra hop.
 */
public final class HostPartitioner<K, V> implements StreamPartitioner<K, V> {

    private final Function<K, CharSequence> host;

    private HostPartitioner(Function<K, CharSequence> host) {
        this.host = host;
    }

    public static <K, V> HostPartitioner<K, V> of(Function<K, CharSequence> host) {
        return new HostPartitioner<>(host);
    }

    public static int partition(CharSequence host, int numPartitions) {
        return HostPartitioning.partition(host, numPartitions);
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
        return Optional.of(Set.of(partition(host.apply(key), numPartitions)));
    }
}
