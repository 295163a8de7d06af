package io.thermocline.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {
  @Test
  void defaultsAndConfluentKeyNames() {
    RegistryClientConfig c = new RegistryClientConfig(Map.of("schema.registry.url", "http://a:1,http://b:2/apis/ccompat/v7"));
    assertEquals(List.of("http://a:1", "http://b:2/apis/ccompat/v7"), c.urls());
    assertTrue(c.autoRegisterSchemas());
    assertFalse(c.useLatestVersion());
    assertEquals(RegistryClientConfig.DEFAULT_CACHE_CAPACITY, c.cacheCapacity());
    assertEquals(null, c.basicAuthUserInfo());
  }

  @Test
  void validation() {
    assertThrows(ConfigException.class, () -> new RegistryClientConfig(Map.of("schema.registry.cache.capacity", "0")));
    assertThrows(ConfigException.class, () -> new RegistryClientConfig(Map.of("basic.auth.credentials.source", "SASL_INHERIT")));
    assertThrows(ConfigException.class, () -> SchemaRegistryClients.create(Map.of()));
    assertThrows(ConfigException.class, () -> SchemaRegistryClients.create(Map.of("schema.registry.url", "ftp://x")));
    assertThrows(ConfigException.class, () -> SchemaRegistryClients.create(Map.of(
        "schema.registry.url", "http://a:1", "basic.auth.credentials.source", "USER_INFO",
        "basic.auth.user.info", "u:p", "bearer.auth.token", "t")));
  }

  @Test
  void secretsArePasswords() {
    RegistryClientConfig c = new RegistryClientConfig(Map.of("basic.auth.credentials.source", "USER_INFO",
        "basic.auth.user.info", "u:secret-pw"));
    assertEquals("u:secret-pw", c.basicAuthUserInfo());
    assertFalse(c.values().toString().contains("secret-pw"));
  }

  @Test
  void mockUrlSelectsSharedInMemoryRegistry() {
    SchemaRegistryClient a = SchemaRegistryClients.create(Map.of("schema.registry.url", "mock://cfg-test"));
    SchemaRegistryClient b = SchemaRegistryClients.create(Map.of("schema.registry.url", "mock://cfg-test"));
    assertInstanceOf(InMemorySchemaRegistryClient.class, a);
    assertSame(a, b);
    InMemorySchemaRegistryClient.dropScope("cfg-test");
  }
}
