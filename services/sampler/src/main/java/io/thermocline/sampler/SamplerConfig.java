package io.thermocline.sampler;

import io.thermocline.metrics.MetricsConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/** Typed, validated sampler settings; every key can be set from the environment as {@code TC_SAMPLER_<KEY>}. */
public final class SamplerConfig extends AbstractConfig {

    public static final String ENV_PREFIX = "TC_SAMPLER_";
    public static final String HOST_ID = "host.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String ACCESS_SOURCE = "access.source";
    public static final String SCAN_PERIOD_MIN_MS = "scan.period.min.ms";
    public static final String SCAN_PERIOD_MAX_MS = "scan.period.max.ms";
    public static final String SCAN_PERIOD_INITIAL_MS = "scan.period.initial.ms";
    public static final String SCAN_SIZE_PAGES = "scan.size.pages";
    public static final String NODE_STATS_INTERVAL_MS = "node.stats.interval.ms";
    public static final String PIDS = "pids";
    public static final String COMM_PATTERN = "comm.pattern";
    public static final String DAMON_SAMPLE_US = "damon.sample.us";
    public static final String DAMON_AGGR_US = "damon.aggr.us";
    public static final String DAMON_MIN_REGIONS = "damon.min.regions";
    public static final String DAMON_MAX_REGIONS = "damon.max.regions";
    public static final String DAMON_MIN_ACCESSES = "damon.min.accesses";
    public static final String KERNEL_MOVE_GRACE_MS = "kernel.move.grace.ms";

    public static final String SOURCE_AUTO = "auto";
    public static final String SOURCE_DAMON = "damon";
    public static final String SOURCE_PAGE_IDLE = "page_idle";

    public static final ConfigDef DEF = MetricsConfig.define(new ConfigDef()
            .define(HOST_ID, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Host id stamped on every record (the node name in Kubernetes)")
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Kafka bootstrap servers")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Schema registry URL(s), comma separated")
            .define(ACCESS_SOURCE, Type.STRING, SOURCE_AUTO,
                    ValidString.in(SOURCE_AUTO, SOURCE_DAMON, SOURCE_PAGE_IDLE), Importance.MEDIUM,
                    "Linux access source: DAMON paddr, idle page tracking, or auto (DAMON if present)")
            .define(SCAN_PERIOD_MIN_MS, Type.LONG, 250L, Range.atLeast(1), Importance.MEDIUM,
                    "Shortest scan period (kmmscand scan_period lower bound)")
            .define(SCAN_PERIOD_MAX_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Longest scan period")
            .define(SCAN_PERIOD_INITIAL_MS, Type.LONG, 1000L, Range.atLeast(1), Importance.LOW,
                    "Scan period at start")
            .define(SCAN_SIZE_PAGES, Type.LONG, 1L << 18, Range.atLeast(1), Importance.MEDIUM,
                    "Virtual pages examined per scan interval for ownership (kmmscand scan_size)")
            .define(NODE_STATS_INTERVAL_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                    "How often NodeStats are published")
            .define(PIDS, Type.LIST, "", Importance.MEDIUM,
                    "Processes to track; empty = every process (filtered by comm.pattern)")
            .define(COMM_PATTERN, Type.STRING, "", Importance.LOW,
                    "Regex a process's comm must match to be tracked; empty = any")
            .define(DAMON_SAMPLE_US, Type.LONG, 5_000L, Range.atLeast(1), Importance.LOW, "DAMON sampling interval")
            .define(DAMON_AGGR_US, Type.LONG, 100_000L, Range.atLeast(1), Importance.LOW,
                    "DAMON aggregation interval")
            .define(DAMON_MIN_REGIONS, Type.INT, 10, Range.atLeast(3), Importance.LOW, "DAMON minimum regions")
            .define(DAMON_MAX_REGIONS, Type.INT, 1000, Range.atLeast(3), Importance.LOW, "DAMON maximum regions")
            .define(KERNEL_MOVE_GRACE_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                    "How long a VA->PFN change waits for the migrator's PfnMove before it is reported as KERNEL")
            .define(DAMON_MIN_ACCESSES, Type.INT, 1, Range.atLeast(1), Importance.LOW,
                    "Frames in DAMON regions with fewer accesses per aggregation are not reported"),
            MetricsConfig.DEFAULT_PORT_SAMPLER);

    public SamplerConfig(Map<?, ?> props) {
        super(DEF, props, false);
        if (getLong(SCAN_PERIOD_MAX_MS) < getLong(SCAN_PERIOD_MIN_MS)) {
            throw new org.apache.kafka.common.config.ConfigException(SCAN_PERIOD_MAX_MS,
                    getLong(SCAN_PERIOD_MAX_MS), "must be >= " + SCAN_PERIOD_MIN_MS);
        }
    }

    public static SamplerConfig fromEnv(Map<String, ?> props, Map<String, String> env) {
        return new SamplerConfig(EnvOverrides.apply(props, ENV_PREFIX, env));
    }

    public String host() {
        return getString(HOST_ID);
    }

    public Map<String, Object> serdeProps() {
        return new java.util.HashMap<>(originals());
    }

    public Map<String, Object> clientProps() {
        Map<String, Object> p = EnvOverrides.kafkaClientProps(originalsStrings());
        p.put("bootstrap.servers", getString(BOOTSTRAP_SERVERS));
        return p;
    }
}
