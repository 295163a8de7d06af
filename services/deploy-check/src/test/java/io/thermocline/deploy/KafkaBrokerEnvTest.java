package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.junit.jupiter.api.Test;

/**
 * The apache/kafka container's {@code KAFKA_*} variables are real broker settings: the image turns
 * {@code KAFKA_FOO_BAR} into {@code foo.bar} ({@code __} -> {@code _}, {@code ___} -> {@code -}), and each
 * must be a key of the broker's ConfigDef with a valid value.
 */
class KafkaBrokerEnvTest {

    /** Variables the image's launcher reads itself (JVM and logging options), not broker settings. */
    static final Set<String> LAUNCHER_VARS = Set.of("KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JMX_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_LOG4J_ROOT_LOGLEVEL",
            "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_JMX_PORT", "KAFKA_JMX_HOSTNAME",
            "KAFKA_VERSION");
    static final String PREFIX = "KAFKA_";
    /** Per-listener overrides ({@code listener.name.<listener>.<config>}) are not in the ConfigDef. */
    static final String LISTENER_OVERRIDE = "listener.name.";

    static String brokerKey(String var) {
        return var.substring(PREFIX.length()).toLowerCase(Locale.ROOT)
                .replace("___", "-").replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    @Test
    void mappingFollowsTheImage() {
        assertEquals("offsets.topic.replication.factor", brokerKey("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"));
        assertEquals("listener.security.protocol.map", brokerKey("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"));
        assertEquals("a_b.c-d", brokerKey("KAFKA_A__B_C___D"));
    }

    @Test
    void brokerEnvironmentIsValidBrokerConfig() {
        ConfigDef def = AbstractKafkaConfig.CONFIG_DEF;
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, JsonNode> e : DockerComposeTest.services().entrySet()) {
            if (!"apache/kafka".equals(Images.repository(Repo.text(e.getValue(), "image")))) {
                continue;
            }
            for (Map.Entry<String, String> v : DockerComposeTest.environment(e.getValue()).entrySet()) {
                if (!v.getKey().startsWith(PREFIX) || LAUNCHER_VARS.contains(v.getKey())) {
                    continue;
                }
                String key = brokerKey(v.getKey());
                if (key.startsWith(LISTENER_OVERRIDE)) {
                    continue;
                }
                ConfigDef.ConfigKey ck = def.configKeys().get(key);
                if (ck == null) {
                    problems.add(e.getKey() + ": " + v.getKey() + " -> " + key + " is no broker config");
                    continue;
                }
                try {
                    Object parsed = ConfigDef.parseType(key, v.getValue(), ck.type);
                    if (ck.validator != null) {
                        ck.validator.ensureValid(key, parsed);
                    }
                } catch (ConfigException ex) {
                    problems.add(e.getKey() + ": " + v.getKey() + "=" + v.getValue() + ": " + ex.getMessage());
                }
                checked++;
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked >= 10, "checked " + checked + " broker settings");
        assertFalse(def.configKeys().containsKey("offsets.topic.replicaton.factor"), "sanity: typos are not keys");
    }
}
