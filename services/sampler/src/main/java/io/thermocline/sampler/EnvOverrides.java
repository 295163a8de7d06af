package io.thermocline.sampler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Config from the environment for the host agents: {@code <PREFIX>SCHEMA_REGISTRY_URL=...} becomes
 * {@code schema.registry.url}. Environment values override file/CLI properties (the container way).
 * Keys starting with {@code kafka.} are passed to the Kafka clients without the prefix.
 */
public final class EnvOverrides {

    /** Prefix of keys handed to every Kafka client, e.g. {@code kafka.security.protocol}. */
    public static final String KAFKA_PREFIX = "kafka.";

    private EnvOverrides() {
    }

    /** {@code props} overlaid with every {@code envPrefix}-prefixed variable of {@code env}. */
    public static Map<String, Object> apply(Map<String, ?> props, String envPrefix, Map<String, String> env) {
        Map<String, Object> out = new LinkedHashMap<>(props);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(envPrefix) && e.getKey().length() > envPrefix.length()) {
                out.put(e.getKey().substring(envPrefix.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'),
                        e.getValue());
            }
        }
        return out;
    }

    /** The {@code kafka.}-prefixed entries with the prefix removed. */
    public static Map<String, Object> kafkaClientProps(Map<String, ?> originals) {
        Map<String, Object> out = new LinkedHashMap<>();
        originals.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX) && v != null && !v.toString().isEmpty()) {
                out.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        return out;
    }
}
