package io.thermocline.hotness;

import io.thermocline.registry.RegistryClientConfig;
import io.thermocline.registry.SchemaRegistryClient;
import io.thermocline.registry.SchemaRegistryClients;
import io.thermocline.serde.AvroSerde;
import io.thermocline.topics.SerdeFactory;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Confluent-wire-format Avro serdes sharing one schema-registry client (HTTP, or in-memory for mock://SCOPE). */
public final class RegistrySerdes implements SerdeFactory {

    private final Map<String, Object> configs;
    private final SchemaRegistryClient client;

    public RegistrySerdes(Map<String, ?> registryConfigs) {
        this.configs = new HashMap<>(registryConfigs);
        this.client = SchemaRegistryClients.create(registryConfigs);
    }

    /** Registry settings of the hotness config (URL, optional basic auth). */
    public static RegistrySerdes of(HotnessConfig config) {
        Map<String, Object> c = new HashMap<>();
        c.put(RegistryClientConfig.SCHEMA_REGISTRY_URL, config.getString(HotnessConfig.REGISTRY_URL));
        String user = config.getString(HotnessConfig.REGISTRY_USER);
        if (!user.isEmpty()) {
            c.put(RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, RegistryClientConfig.CREDENTIALS_SOURCE_USER_INFO);
            c.put(RegistryClientConfig.BASIC_AUTH_USER_INFO, user + ":" + config.registryPassword().value());
        }
        return new RegistrySerdes(c);
    }

    /** In-memory registry of the given scope (tests, the emulator policy). */
    public static RegistrySerdes inMemory(String scope) {
        return new RegistrySerdes(Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL,
                RegistryClientConfig.MOCK_URL_SCHEME + scope));
    }

    @Override
    public <T extends SpecificRecord> Serde<T> create(Class<T> type, boolean isKey) {
        AvroSerde<T> serde = new AvroSerde<>(type, client);
        serde.configure(configs, isKey);
        return serde;
    }
}
