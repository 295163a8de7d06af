package io.thermocline.metrics;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Where the metrics endpoint listens. Services merge {@link #define(ConfigDef)} into their own
 * ConfigDef so {@code metrics.port} is one of their keys (env {@code THERMOCLINE_METRICS_PORT}).
 */
public final class MetricsConfig extends AbstractConfig {

    /** TCP port of {@code /metrics} and {@code /health}; 0 picks a free port; -1 disables the endpoint. */
    public static final String METRICS_PORT = "metrics.port";
    /** Address to bind; 0.0.0.0 in containers. */
    public static final String METRICS_BIND_ADDRESS = "metrics.bind.address";

    public static final int DISABLED = -1;
    /** Default ports: one per service, so sampler and migrator can share a pod's network namespace. */
    public static final int DEFAULT_PORT_HOTNESS = 9400;
    public static final int DEFAULT_PORT_SAMPLER = 9401;
    public static final int DEFAULT_PORT_MIGRATOR = 9402;
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

    public MetricsConfig(Map<?, ?> props, int defaultPort) {
        super(define(new ConfigDef(), defaultPort), props, false);
    }

    /** Adds the metrics keys to {@code def} (default port {@link #DEFAULT_PORT_HOTNESS}). */
    public static ConfigDef define(ConfigDef def) {
        return define(def, DEFAULT_PORT_HOTNESS);
    }

    public static ConfigDef define(ConfigDef def, int defaultPort) {
        return def
                .define(METRICS_PORT, Type.INT, defaultPort, Range.between(DISABLED, 65535), Importance.LOW,
                        "Port of the Prometheus /metrics and /health endpoint; 0 = any free port, -1 = off")
                .define(METRICS_BIND_ADDRESS, Type.STRING, DEFAULT_BIND_ADDRESS, new ConfigDef.NonEmptyString(),
                        Importance.LOW, "Address the metrics endpoint binds to");
    }

    public int port() {
        return getInt(METRICS_PORT);
    }

    public String bindAddress() {
        return getString(METRICS_BIND_ADDRESS);
    }

    public boolean enabled() {
        return port() != DISABLED;
    }
}
