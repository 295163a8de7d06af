package io.thermocline.hotness;

import io.thermocline.metrics.MetricsConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Typed, validated configuration of the hotness application. Every key can be overridden by an
 * environment variable {@code TC_HOTNESS_<KEY>} (upper case, dots and dashes as underscores), e.g.
 * {@code TC_HOTNESS_WINDOW_MS}. Passwords are masked whenever the config is printed.
 */
public final class HotnessConfig extends AbstractConfig {

    public static final String ENV_PREFIX = "TC_HOTNESS_";
    /**
     * Kafka client settings from the environment: {@code TC_HOTNESS_KAFKA_SASL_MECHANISM=SCRAM-SHA-512} becomes
     * {@code streams.sasl.mechanism}, which {@link StreamsProperties} hands to every client of the app. Their
     * values are never printed (only defined keys are, passwords masked).
     */
    public static final String KAFKA_CLIENT_PREFIX = StreamsProperties.STREAMS_PREFIX;
    static final String ENV_KAFKA_PREFIX = ENV_PREFIX + "KAFKA_";

    public static final String APPLICATION_ID = "application.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "schema.registry.url";
    public static final String REGISTRY_USER = "schema.registry.username";
    public static final String REGISTRY_PASSWORD = "schema.registry.password";
    public static final String STATE_DIR = "state.dir";
    public static final String NUM_THREADS = "num.stream.threads";
    public static final String APPLICATION_SERVER = "application.server";
    public static final String HTTP_PORT = "http.port";
    public static final String REPLICATION_FACTOR = "replication.factor";
    public static final String PARTITIONS = "partitions";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String CHANGELOG_SEGMENT_BYTES = "changelog.segment.bytes";
    public static final String CACHE_MAX_BYTES = "cache.max.bytes";
    public static final String STORE_TYPE = "store.type";
    public static final String STORE_ROCKSDB = "rocksdb";
    public static final String STORE_IN_MEMORY = "in_memory";

    public static final String WINDOW_MS = "window.ms";
    public static final String WINDOW_ADVANCE_MS = "window.advance.ms";
    public static final String WINDOW_GRACE_MS = "window.grace.ms";
    public static final String HOST_SKEW_MAX_MS = "host.skew.max.ms";
    public static final String ACCESS_REPARTITION = "access.repartition";
    public static final String BLOCK_SHIFT = "block.shift";
    public static final String DECAY_FACTOR = "decay.factor";
    public static final String CANDIDATES_PER_BLOCK = "candidates.per.block";
    public static final String FAST_HEADROOM = "fast.headroom.fraction";
    public static final String FAST_WATERMARK = "fast.watermark.fraction";
    public static final String RATE_LIMIT_MBPS = "rate.limit.mbps";
    public static final String PROMOTE_MIN_HOT_WINDOWS = "promote.min.hot.windows";
    public static final String COOLDOWN_WINDOWS = "cooldown.windows";
    public static final String EXCHANGE_MIN_HOT_WINDOWS = "exchange.min.hot.windows";
    public static final String DEMOTE_MAX_HEAT_RATIO = "demote.max.heat.ratio";
    public static final String DECISION_DEADLINE_MS = "decision.deadline.ms";
    public static final String MOVE_TTL_MS = "move.ttl.ms";

    /** Port of /metrics and /health (metrics-endpoint's key; 0 = any free port, -1 = off). */
    public static final String METRICS_PORT = MetricsConfig.METRICS_PORT;

    public static final ConfigDef DEF = MetricsConfig.define(new ConfigDef(), MetricsConfig.DEFAULT_PORT_HOTNESS)
            .define(APPLICATION_ID, Type.STRING, "thermocline-hotness", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id (consumer group, internal topic prefix).")
            .define(BOOTSTRAP_SERVERS, Type.STRING, "localhost:9092", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka bootstrap servers.")
            .define(REGISTRY_URL, Type.STRING, "http://localhost:8081", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Schema registry base URL (Confluent API; Apicurio ccompat).")
            .define(REGISTRY_USER, Type.STRING, "", Importance.LOW, "Schema registry basic-auth user, empty for none.")
            .define(REGISTRY_PASSWORD, Type.PASSWORD, "", Importance.LOW, "Schema registry basic-auth password.")
            .define(STATE_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/thermocline-hotness",
                    Importance.MEDIUM, "Directory of the RocksDB state stores.")
            .define(NUM_THREADS, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM, "Stream threads.")
            .define(APPLICATION_SERVER, Type.STRING, "", Importance.MEDIUM,
                    "host:port this instance's query endpoint is reachable at (application.server); empty = localhost:http.port.")
            .define(HTTP_PORT, Type.INT, 8085, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of the interactive-query HTTP endpoint; 0 = ephemeral.")
            .define(REPLICATION_FACTOR, Type.SHORT, (short) 1, Importance.LOW,
                    "Replication factor of internal topics.")
            .define(PARTITIONS, Type.INT, 6, Range.between(1, 1024), Importance.MEDIUM,
                    "Partitions of the by-host repartition topics (upper bound on parallelism).")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 200L, Range.atLeast(1), Importance.LOW,
                    "Transaction commit interval.")
            .define(CACHE_MAX_BYTES, Type.LONG, 64L << 20, Range.atLeast(0), Importance.LOW,
                    "Record cache of the state stores, all stream threads together (Kafka Streams' "
                    + "statestore.cache.max.bytes, default 10 MiB there): a block's window counts and heat are "
                    + "written several times per window; a cache too small for the open windows evicts and so flushes "
                    + "them to RocksDB and the changelog between commits.")
            .define(CHANGELOG_SEGMENT_BYTES, Type.INT, 64 << 20, Range.atLeast(1 << 20), Importance.LOW,
                    "segment.bytes of the changelog and repartition topics the app creates. The broker compacts a "
                    + "changelog segment by segment and re-copies the compacted part each pass: small segments "
                    + "(8 MiB) made its cleaner ~20% of the broker's CPU in the bench; larger ones restore a little "
                    + "more after a failover.")
            .define(STORE_TYPE, Type.STRING, STORE_ROCKSDB, ConfigDef.ValidString.in(STORE_ROCKSDB, STORE_IN_MEMORY),
                    Importance.LOW, "State store engine: rocksdb (the service), or in_memory (in-process drivers that "
                            + "replay many windows, e.g. the emulator policy).")
            .define(WINDOW_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.HIGH,
                    "Size of the hotness windows.")
            .define(WINDOW_ADVANCE_MS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                    "Advance of the windows; 0 = window.ms (tumbling).")
            .define(WINDOW_GRACE_MS, Type.LONG, 1_000L, Range.atLeast(0), Importance.MEDIUM,
                    "Grace for late samples before a window is folded into the decayed hotness.")
            .define(HOST_SKEW_MAX_MS, Type.LONG, 600_000L, Range.atLeast(0), Importance.LOW,
                    "Ignored, accepted for old configurations: it was the retention of the window store that held "
                            + "open windows; they now stay in a key-value store until their host closes them (by its "
                            + "end-of-window markers or its own event time), however far other hosts run ahead.")
            .define(ACCESS_REPARTITION, Type.BOOLEAN, false, Importance.MEDIUM,
                    "false: tc.page-access is partitioned by host with `partitions` partitions, as Thermocline's "
                            + "samplers publish it, and is read directly; true: repartition it by host first (for "
                            + "producers that partition by key). A record in the wrong partition goes to the DLQ.")
            .define(BLOCK_SHIFT, Type.INT, 9, Range.between(0, 16), Importance.MEDIUM,
                    "log2 pages per PFN block; batches with another blockShift are rejected to the DLQ.")
            .define(DECAY_FACTOR, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.HIGH,
                    "Heat kept per window: heat = heat * factor^windows + accesses (0.5 = halving, as Memtis).")
            .define(CANDIDATES_PER_BLOCK, Type.INT, 64, Range.between(1, 4096), Importance.MEDIUM,
                    "Hot and cold candidates each block sends to stage 2 per fold.")
            .define(FAST_HEADROOM, Type.DOUBLE, 0.02, Range.between(0.0, 0.9), Importance.HIGH,
                    "Fraction of the fast tier kept free when sizing the hot set.")
            .define(FAST_WATERMARK, Type.DOUBLE, 0.01, Range.between(0.0, 0.9), Importance.HIGH,
                    "Demote ahead when a node's free pages drop under this fraction of its capacity.")
            .define(RATE_LIMIT_MBPS, Type.DOUBLE, 1024.0, Range.atLeast(0.001), Importance.HIGH,
                    "Promotion+demotion budget per host, MB/s of event time.")
            .define(PROMOTE_MIN_HOT_WINDOWS, Type.INT, 2, Range.between(1, 64), Importance.HIGH,
                    "A page must be hot in this many consecutive windows before it is promoted.")
            .define(EXCHANGE_MIN_HOT_WINDOWS, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM,
                    "A promotion that must demote another page to make room needs this many consecutive hot windows "
                            + "(a noise guard: promotions into free space only need promote.min.hot.windows).")
            .define(COOLDOWN_WINDOWS, Type.INT, 4, Range.between(0, 1024), Importance.HIGH,
                    "Windows during which a page we demoted is not promoted (and a promoted page not demoted).")
            .define(DEMOTE_MAX_HEAT_RATIO, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.MEDIUM,
                    "To make room for a promotion, only demote pages colder than this fraction of the promoted page's heat.")
            .define(DECISION_DEADLINE_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Decisions expire this long after they are made.")
            .define(MOVE_TTL_MS, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "How long a moved frame's forwarding and staleness are kept; 0 = 4 windows + grace.");

    // read once: AbstractConfig's getters record every key use in a synchronized set, and the decision rules ask
    // for these per candidate
    private final long windowMs;
    private final long windowAdvanceMs;
    private final long windowGraceMs;
    private final int blockShift;
    private final double decayFactor;
    private final int candidatesPerBlock;
    private final double fastHeadroom;
    private final double fastWatermark;
    private final double rateLimitBytesPerMs;
    private final int promoteMinHotWindows;
    private final int exchangeMinHotWindows;
    private final int cooldownWindows;
    private final double demoteMaxHeatRatio;
    private final long decisionDeadlineMs;
    private final long moveTtlMs;
    private final int partitions;

    public HotnessConfig(Map<?, ?> props) {
        super(DEF, props, false);
        windowMs = getLong(WINDOW_MS);
        long advance = getLong(WINDOW_ADVANCE_MS);
        windowAdvanceMs = advance == 0 ? windowMs : advance;
        windowGraceMs = getLong(WINDOW_GRACE_MS);
        blockShift = getInt(BLOCK_SHIFT);
        decayFactor = getDouble(DECAY_FACTOR);
        candidatesPerBlock = getInt(CANDIDATES_PER_BLOCK);
        fastHeadroom = getDouble(FAST_HEADROOM);
        fastWatermark = getDouble(FAST_WATERMARK);
        rateLimitBytesPerMs = getDouble(RATE_LIMIT_MBPS) * 1_000_000.0 / 1000.0;
        promoteMinHotWindows = getInt(PROMOTE_MIN_HOT_WINDOWS);
        exchangeMinHotWindows = getInt(EXCHANGE_MIN_HOT_WINDOWS);
        cooldownWindows = getInt(COOLDOWN_WINDOWS);
        demoteMaxHeatRatio = getDouble(DEMOTE_MAX_HEAT_RATIO);
        decisionDeadlineMs = getLong(DECISION_DEADLINE_MS);
        long ttl = getLong(MOVE_TTL_MS);
        moveTtlMs = ttl == 0 ? 4 * windowMs + windowGraceMs : ttl;
        partitions = getInt(PARTITIONS);
        if (windowAdvanceMs > windowMs) {
            throw new ConfigException(WINDOW_ADVANCE_MS, windowAdvanceMs, "must be <= " + WINDOW_MS);
        }
    }

    /** Defaults, overridden by the given properties, overridden by TC_HOTNESS_* environment variables. */
    public static HotnessConfig fromEnv(Map<String, ?> base, Map<String, String> env) {
        Map<String, Object> props = new HashMap<>(base);
        for (String key : DEF.names()) {
            String v = env.get(envName(key));
            if (v != null) {
                props.put(key, v);
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(ENV_KAFKA_PREFIX) && e.getValue() != null && !e.getValue().isEmpty()) {
                String client = e.getKey().substring(ENV_KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                props.put(KAFKA_CLIENT_PREFIX + client, e.getValue());
            }
        }
        return new HotnessConfig(props);
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String applicationId() {
        return getString(APPLICATION_ID);
    }

    public long windowMs() {
        return windowMs;
    }

    public long windowAdvanceMs() {
        return windowAdvanceMs;
    }

    public long windowGraceMs() {
        return windowGraceMs;
    }

    public Duration window() {
        return Duration.ofMillis(windowMs());
    }

    public int blockShift() {
        return blockShift;
    }

    public double decayFactor() {
        return decayFactor;
    }

    public int candidatesPerBlock() {
        return candidatesPerBlock;
    }

    public double fastHeadroom() {
        return fastHeadroom;
    }

    public double fastWatermark() {
        return fastWatermark;
    }

    public double rateLimitBytesPerMs() {
        return rateLimitBytesPerMs;
    }

    public int promoteMinHotWindows() {
        return promoteMinHotWindows;
    }

    public int exchangeMinHotWindows() {
        return exchangeMinHotWindows;
    }

    public int cooldownWindows() {
        return cooldownWindows;
    }

    public double demoteMaxHeatRatio() {
        return demoteMaxHeatRatio;
    }

    public long decisionDeadlineMs() {
        return decisionDeadlineMs;
    }

    public long moveTtlMs() {
        return moveTtlMs;
    }

    public boolean accessRepartition() {
        return getBoolean(ACCESS_REPARTITION);
    }

    public int partitions() {
        return partitions;
    }

    public boolean inMemoryStores() {
        return STORE_IN_MEMORY.equals(getString(STORE_TYPE));
    }

    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public Password registryPassword() {
        return getPassword(REGISTRY_PASSWORD);
    }

    /** Every value, passwords masked. */
    public Map<String, String> masked() {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ?> e : values().entrySet()) {
            Object v = e.getValue();
            out.put(e.getKey(), v instanceof Password ? Password.HIDDEN : String.valueOf(v));
        }
        return out;
    }

    @Override
    public String toString() {
        return "HotnessConfig" + masked();
    }
}
