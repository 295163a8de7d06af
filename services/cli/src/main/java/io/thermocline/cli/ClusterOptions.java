package io.thermocline.cli;

import io.thermocline.registry.RegistryClientConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** Where the broker and the schema registry are; a picocli mixin shared by the operations commands. */
public final class ClusterOptions {

    public static final String BOOTSTRAP_ENV = "THERMOCLINE_BOOTSTRAP_SERVERS";
    public static final String REGISTRY_ENV = "THERMOCLINE_REGISTRY_URL";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:" + BOOTSTRAP_ENV + ":-localhost:9092}",
            description = "Kafka bootstrap servers (default: $" + BOOTSTRAP_ENV + " or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL",
            defaultValue = "${env:" + REGISTRY_ENV + ":-http://localhost:8081/apis/ccompat/v7}",
            description = "Schema registry (Confluent API) URL (default: $" + REGISTRY_ENV + " or ${DEFAULT-VALUE}).")
    String registryUrl;

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** Client configs: bootstrap servers and the registry URL (serdes read it, Kafka clients ignore it). */
    public Map<String, Object> clientConfigs(String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return c;
    }

    /** Serde configs: the registry URL. */
    public Map<String, Object> serdeConfigs() {
        Map<String, Object> c = new HashMap<>();
        c.put(RegistryClientConfig.SCHEMA_REGISTRY_URL, registryUrl);
        return c;
    }
}
