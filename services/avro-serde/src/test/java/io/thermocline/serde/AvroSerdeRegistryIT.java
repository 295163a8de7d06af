package io.thermocline.serde;

import io.thermocline.cluster.RegistryServerProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.registry.RegistryClientConfig;
import io.thermocline.serde.test.SampleBatch;
import io.thermocline.serde.test.SampleKey;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Serdes configured by URL against the real registry (Apicurio ccompat v7 as a child JVM). */
class AvroSerdeRegistryIT {
  private static RegistryServerProcess registry;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServerProcess.start(RegistryServerProcess.locateRunnerJar(),
        java.nio.file.Files.createTempDirectory("registry-it"));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void roundTripThroughTheRealRegistry() {
    String topic = "it-" + System.nanoTime();
    Map<String, Object> cfg = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, registry.url());
    SampleBatch value = Samples.batch("host-it", 9, 512);
    SampleKey key = new SampleKey("host-it", 9L);
    byte[] valueBytes;
    byte[] keyBytes;
    try (AvroSerde<SampleBatch> values = AvroSerde.configured(SampleBatch.class, cfg, false);
        AvroSerde<SampleKey> keys = AvroSerde.configured(SampleKey.class, cfg, true)) {
      valueBytes = values.serializer().serialize(topic, value);
      keyBytes = keys.serializer().serialize(topic, key);
    }
    // fresh serdes: no cached schemas, the writer schema comes back from the registry by id
    try (AvroSerde<SampleBatch> values = AvroSerde.configured(SampleBatch.class, cfg, false);
        AvroSerde<SampleKey> keys = AvroSerde.configured(SampleKey.class, cfg, true)) {
      assertEquals(value, values.deserializer().deserialize(topic, valueBytes));
      assertEquals(key, keys.deserializer().deserialize(topic, keyBytes));

      // auto-register off: the registered schema is found, an unregistered subject is refused
      Map<String, Object> noAuto = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, registry.url(),
          RegistryClientConfig.AUTO_REGISTER_SCHEMAS, false);
      try (AvroSerializer<SampleBatch> ser = new AvroSerializer<>()) {
        ser.configure(noAuto, false);
        byte[] again = ser.serialize(topic, value);
        assertEquals(ByteBuffer.wrap(valueBytes, 1, 4).getInt(), ByteBuffer.wrap(again, 1, 4).getInt());
        SerializationException e = assertThrows(SerializationException.class, () -> ser.serialize(topic + "-other", value));
        assertTrue(e.getMessage().contains("not registered under subject '" + topic + "-other-value'"), e.getMessage());
      }

      byte[] unknown = valueBytes.clone();
      ByteBuffer.wrap(unknown, 1, 4).putInt(987_654);
      WireFormatException e = assertThrows(WireFormatException.class,
          () -> values.avroDeserializer().deserialize(topic, 2, 77L, unknown));
      assertEquals(WireFormatException.Kind.UNKNOWN_SCHEMA_ID, e.kind());
      assertTrue(e.getMessage().contains("partition 2 offset 77"), e.getMessage());
    }
  }
}
