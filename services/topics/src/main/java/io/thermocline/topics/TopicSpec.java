package io.thermocline.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/** One topic of the catalogue: name, record types, partitioning and retention. */
public record TopicSpec<K extends SpecificRecord, V extends SpecificRecord>(
        String name,
        Class<K> keyType,
        Class<V> valueType,
        int partitions,
        boolean compacted,
        Duration retention,
        String description) {

    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be >= 1");
        }
    }

    public Serde<K> keySerde(SerdeFactory factory) {
        return factory.create(keyType, true);
    }

    public Serde<V> valueSerde(SerdeFactory factory) {
        return factory.create(valueType, false);
    }

    /** Registry subject of the value schema (TopicNameStrategy). */
    public String valueSubject() {
        return name + "-value";
    }

    public String keySubject() {
        return name + "-key";
    }

    /** Topic-level configs: cleanup policy and retention. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        Optional.ofNullable(retention).ifPresent(r -> configs.put(TopicConfig.RETENTION_MS_CONFIG,
                Long.toString(r.toMillis())));
        return configs;
    }

    public NewTopic newTopic(int partitionsOverride, short replicationFactor) {
        int p = partitionsOverride > 0 ? partitionsOverride : partitions;
        return new NewTopic(name, p, replicationFactor).configs(configs());
    }
}
