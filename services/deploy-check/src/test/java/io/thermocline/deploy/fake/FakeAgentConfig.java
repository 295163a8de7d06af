package io.thermocline.deploy.fake;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** A config class shaped like the services' (ConfigDef field, ENV_PREFIX, envName) for ServiceConfigsTest. */
public final class FakeAgentConfig {

    public static final String ENV_PREFIX = "TC_FAKE_";
    public static final String KAFKA_CLIENT_PREFIX = "kafka.";
    public static final ConfigDef DEF = new ConfigDef()
            .define("bootstrap.servers", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "brokers")
            .define("http.port", Type.INT, 8085, Range.between(0, 65535), Importance.LOW, "port")
            .define("fast-tier.ratio", Type.DOUBLE, 0.5, Importance.LOW, "ratio");

    private FakeAgentConfig() {
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
