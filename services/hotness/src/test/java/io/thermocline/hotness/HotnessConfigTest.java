package io.thermocline.hotness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class HotnessConfigTest {

    @Test
    void environmentOverridesPropertiesAndDefaults() {
        HotnessConfig c = HotnessConfig.fromEnv(Map.of(HotnessConfig.WINDOW_MS, "2000", HotnessConfig.DECAY_FACTOR, "0.7"),
                Map.of("TC_HOTNESS_WINDOW_MS", "5000", "UNRELATED", "x"));
        assertEquals(5000, c.windowMs(), "env wins over the properties");
        assertEquals(0.7, c.decayFactor(), "properties win over defaults");
        assertEquals(5000, c.windowAdvanceMs(), "advance 0 = tumbling");
        assertEquals("TC_HOTNESS_RATE_LIMIT_MBPS", HotnessConfig.envName(HotnessConfig.RATE_LIMIT_MBPS));
    }

    @Test
    void invalidValuesAreRejected() {
        assertThrows(ConfigException.class, () -> new HotnessConfig(Map.of(HotnessConfig.DECAY_FACTOR, "1.5")));
        assertThrows(ConfigException.class, () -> new HotnessConfig(Map.of(HotnessConfig.WINDOW_MS, "0")));
        assertThrows(ConfigException.class, () -> new HotnessConfig(Map.of(HotnessConfig.WINDOW_MS, "1000",
                HotnessConfig.WINDOW_ADVANCE_MS, "2000")));
        assertThrows(ConfigException.class, () -> new HotnessConfig(Map.of(HotnessConfig.STORE_TYPE, "leveldb")));
    }

    @Test
    void secretsAreMaskedWhenPrinted() {
        HotnessConfig c = new HotnessConfig(Map.of(HotnessConfig.REGISTRY_PASSWORD, "s3cr3t"));
        assertEquals("s3cr3t", c.registryPassword().value());
        assertFalse(c.toString().contains("s3cr3t"), c.toString());
        assertTrue(c.masked().get(HotnessConfig.REGISTRY_PASSWORD).contains("hidden"));
    }

    @Test
    void streamsPrefixedKeysPassThrough() {
        HotnessConfig c = new HotnessConfig(Map.of("streams.producer.transaction.timeout.ms", "60000"));
        var p = StreamsProperties.of(c, RegistrySerdes.inMemory("cfg-test"));
        assertEquals("60000", p.get("producer.transaction.timeout.ms"));
        assertEquals("exactly_once_v2", p.get("processing.guarantee"));
    }

    @Test
    void kafkaClientSettingsComeFromTheEnvironmentAndAreNotPrinted() {
        HotnessConfig c = HotnessConfig.fromEnv(Map.of(HotnessConfig.BOOTSTRAP_SERVERS, "b:9092"),
                Map.of("TC_HOTNESS_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "TC_HOTNESS_KAFKA_SASL_JAAS_CONFIG", "secret-jaas"));
        assertEquals("SASL_SSL",
                c.originalsWithPrefix(HotnessConfig.KAFKA_CLIENT_PREFIX).get("security.protocol"));
        assertEquals("secret-jaas",
                c.originalsWithPrefix(HotnessConfig.KAFKA_CLIENT_PREFIX).get("sasl.jaas.config"));
        assertFalse(c.masked().toString().contains("secret-jaas"));
    }
}
