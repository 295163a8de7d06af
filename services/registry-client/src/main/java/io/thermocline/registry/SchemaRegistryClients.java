package io.thermocline.registry;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** Creates the client a configuration asks for: {@code mock://SCOPE} in-memory, else HTTP. */
public final class SchemaRegistryClients {
  private SchemaRegistryClients() {}

  public static SchemaRegistryClient create(Map<String, ?> configs) {
    return create(new RegistryClientConfig(configs));
  }

  public static SchemaRegistryClient create(RegistryClientConfig config) {
    List<String> urls = config.urls();
    if (urls.isEmpty()) {
      throw new ConfigException(RegistryClientConfig.SCHEMA_REGISTRY_URL, urls, "a schema registry URL is required");
    }
    boolean mock = urls.stream().anyMatch(u -> u.startsWith(RegistryClientConfig.MOCK_URL_SCHEME));
    if (mock) {
      if (urls.size() != 1) {
        throw new ConfigException(RegistryClientConfig.SCHEMA_REGISTRY_URL, urls, "a mock:// URL must be the only URL");
      }
      return InMemorySchemaRegistryClient.forScope(urls.get(0).substring(RegistryClientConfig.MOCK_URL_SCHEME.length()));
    }
    return HttpSchemaRegistryClient.create(config);
  }
}
