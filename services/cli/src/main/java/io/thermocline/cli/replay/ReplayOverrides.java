package io.thermocline.cli.replay;

import io.thermocline.hotness.HotnessConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;

/**
 * Parses and validates {@code --set key=value} overrides against the hotness application's own ConfigDef
 * ({@link HotnessConfig#DEF}), so a replay accepts exactly the keys and values the live application would.
 * Deployment keys (ids, addresses, state directory, threads) are not what-if parameters and are refused.
 */
public final class ReplayOverrides {

    /** Keys the replay sets itself (a fresh application id, one partition, in-process stores, no HTTP endpoint). */
    public static final Set<String> RESERVED = Set.of(HotnessConfig.APPLICATION_ID, HotnessConfig.BOOTSTRAP_SERVERS,
            HotnessConfig.REGISTRY_URL, HotnessConfig.REGISTRY_USER, HotnessConfig.REGISTRY_PASSWORD,
            HotnessConfig.STATE_DIR, HotnessConfig.NUM_THREADS, HotnessConfig.APPLICATION_SERVER,
            HotnessConfig.HTTP_PORT, HotnessConfig.REPLICATION_FACTOR, HotnessConfig.PARTITIONS,
            HotnessConfig.COMMIT_INTERVAL_MS);

    private ReplayOverrides() {
    }

    /** What-if parameters a replay accepts, sorted. */
    public static Set<String> tunableKeys() {
        Set<String> keys = new TreeSet<>(HotnessConfig.DEF.names());
        keys.removeAll(RESERVED);
        return keys;
    }

    /** Parses {@code key=value} strings in order (a later value for a key wins). */
    public static Map<String, String> parse(List<String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set expects key=value, got '" + s + "'");
            }
            String key = s.substring(0, eq).trim();
            String value = s.substring(eq + 1).trim();
            if (!HotnessConfig.DEF.names().contains(key)) {
                throw new IllegalArgumentException("unknown hotness parameter '" + key + "' in --set " + s
                        + "; known: " + String.join(", ", tunableKeys()));
            }
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("--set " + key + " is not a what-if parameter (the replay sets it"
                        + " itself); tunable: " + String.join(", ", tunableKeys()));
            }
            out.put(key, value);
        }
        return out;
    }

    /**
     * The what-if config: hotness defaults, then {@code base} (e.g. the live application's properties file), then
     * the overrides, then the replay's own deployment keys. Bad values fail with the ConfigDef's message.
     *
     * <p>Stores are in-memory unless {@code --set store.type=rocksdb}: the in-process driver commits after every
     * record, which makes RocksDB several times slower, and the store engine does not change any decision (the
     * emulator's thermocline policy makes the same choice). The live application's store type in {@code base} is
     * ignored for that reason.
     */
    public static HotnessConfig config(Map<String, String> base, Map<String, String> overrides, String applicationId,
                                       String stateDir) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(HotnessConfig.STORE_TYPE, HotnessConfig.STORE_IN_MEMORY);
        for (Map.Entry<String, String> e : base.entrySet()) {
            if (HotnessConfig.DEF.names().contains(e.getKey()) && !RESERVED.contains(e.getKey())
                    && !HotnessConfig.STORE_TYPE.equals(e.getKey())) {
                props.put(e.getKey(), e.getValue());
            }
        }
        props.putAll(overrides);
        props.put(HotnessConfig.APPLICATION_ID, applicationId);
        props.put(HotnessConfig.STATE_DIR, stateDir);
        props.put(HotnessConfig.PARTITIONS, 1);
        props.put(HotnessConfig.HTTP_PORT, 0);
        props.put(HotnessConfig.NUM_THREADS, 1);
        try {
            return new HotnessConfig(props);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid hotness parameter: " + e.getMessage(), e);
        }
    }
}
