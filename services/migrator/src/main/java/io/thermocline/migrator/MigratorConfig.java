package io.thermocline.migrator;

import io.thermocline.metrics.MetricsConfig;
import io.thermocline.sampler.EnvOverrides;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Typed, validated migrator settings; every key can be set from the environment as {@code TC_MIGRATOR_<KEY>}. */
public final class MigratorConfig extends AbstractConfig {

    public static final String ENV_PREFIX = "TC_MIGRATOR_";
    public static final String HOST_ID = "host.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String RATE_LIMIT_MB_PER_SEC = "rate.limit.mb.per.sec";
    public static final String RATE_LIMIT_BURST_MB = "rate.limit.burst.mb";
    public static final String POLL_TIMEOUT_MS = "poll.timeout.ms";
    public static final String MAX_DECISIONS_PER_TRANSACTION = "max.decisions.per.transaction";
    public static final String APPLIED_IDS_CAPACITY = "applied.ids.capacity";
    public static final String RESULTS_LOOKBACK_MS = "results.lookback.ms";
    public static final String STATE_DIR = "state.dir";
    public static final String TRANSACTION_RETRIES = "transaction.retries";

    /** Consumer group and transactional id stem: one per host. */
    public static final String CLIENT_ID_PREFIX = "tc-migrator-";
    static final long MB = 1L << 20;

    public static final ConfigDef DEF = MetricsConfig.define(new ConfigDef()
            .define(HOST_ID, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Host this migrator acts for; only decisions keyed by this host are consumed")
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Kafka bootstrap servers")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Schema registry URL(s), comma separated")
            .define(RATE_LIMIT_MB_PER_SEC, Type.DOUBLE, 256.0, Range.atLeast(0), Importance.MEDIUM,
                    "Host migration budget in MiB/s (token bucket); 0 = unlimited")
            .define(RATE_LIMIT_BURST_MB, Type.DOUBLE, 64.0, Range.atLeast(0.004), Importance.LOW,
                    "Token bucket size in MiB")
            .define(POLL_TIMEOUT_MS, Type.LONG, 200L, Range.between(1, 60_000), Importance.LOW,
                    "Decision poll timeout")
            .define(MAX_DECISIONS_PER_TRANSACTION, Type.INT, 512, Range.between(1, 100_000), Importance.LOW,
                    "Decisions executed and committed per Kafka transaction")
            .define(APPLIED_IDS_CAPACITY, Type.INT, 1_000_000, Range.atLeast(1), Importance.LOW,
                    "Handled decision ids remembered for dedupe (oldest evicted first)")
            .define(RESULTS_LOOKBACK_MS, Type.LONG, 2L * 24 * 3600 * 1000, Range.atLeast(0), Importance.LOW,
                    "How far back tc.results is read at start to rebuild the handled ids (>= decision retention)")
            .define(STATE_DIR, Type.STRING, "", Importance.LOW,
                    "Directory for the in-flight journal (decisions being executed); empty = no journal")
            .define(TRANSACTION_RETRIES, Type.INT, 5, Range.between(0, 100), Importance.LOW,
                    "Attempts to publish a batch's outcomes before giving up (outcomes are never recomputed)"),
            MetricsConfig.DEFAULT_PORT_MIGRATOR);

    public MigratorConfig(Map<?, ?> props) {
        super(DEF, props, false);
    }

    /** Properties overlaid with {@code TC_MIGRATOR_*} environment variables. */
    public static MigratorConfig fromEnv(Map<String, ?> props, Map<String, String> env) {
        return new MigratorConfig(EnvOverrides.apply(props, ENV_PREFIX, env));
    }

    public String host() {
        return getString(HOST_ID);
    }

    public long rateBytesPerSecond() {
        return (long) (getDouble(RATE_LIMIT_MB_PER_SEC) * MB);
    }

    public long burstBytes() {
        return (long) (getDouble(RATE_LIMIT_BURST_MB) * MB);
    }

    /** Serde settings: every original key (registry URL, registry auth...), as the serdes ignore unknown ones. */
    public Map<String, Object> serdeProps() {
        return new java.util.HashMap<>(originals());
    }

    /** Settings every Kafka client gets: bootstrap servers plus the {@code kafka.*} pass-through keys. */
    public Map<String, Object> clientProps() {
        Map<String, Object> p = EnvOverrides.kafkaClientProps(originalsStrings());
        p.put("bootstrap.servers", getString(BOOTSTRAP_SERVERS));
        return p;
    }
}
