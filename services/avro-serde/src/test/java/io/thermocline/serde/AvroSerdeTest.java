package io.thermocline.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.registry.InMemorySchemaRegistryClient;
import io.thermocline.registry.RegistryClientConfig;
import io.thermocline.serde.test.SampleBatch;
import io.thermocline.serde.test.SampleKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private static final String TOPIC = "tc.page-access";
  private static final Map<String, Object> NO_CONFIG = Map.of();

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

  private AvroSerializer<SampleBatch> valueSerializer(Map<String, ?> cfg) {
    return new AvroSerializer<>(registry, cfg, false);
  }

  private AvroDeserializer<SampleBatch> valueDeserializer() {
    AvroDeserializer<SampleBatch> d = new AvroDeserializer<>(registry, SampleBatch.class);
    d.configure(NO_CONFIG, false);
    return d;
  }

  @Test
  void roundTripInConfluentWireFormat() {
    SampleBatch in = Samples.batch("host-a", 42, 512);
    byte[] bytes = valueSerializer(NO_CONFIG).serialize(TOPIC, in);
    int id = registry.getId(TOPIC + "-value", SampleBatch.getClassSchema());
    assertEquals(WireFormat.MAGIC_BYTE, bytes[0]);
    assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
    SampleBatch out = valueDeserializer().deserialize(TOPIC, bytes);
    assertEquals(in, out);
    assertEquals(in.getWindowStartMs(), out.getWindowStartMs());
    assertNull(valueSerializer(NO_CONFIG).serialize(TOPIC, null));
    assertNull(valueDeserializer().deserialize(TOPIC, (byte[]) null));
  }

  @Test
  void wireBytesAreExactlyHeaderPlusAvroBinary() {
    registry.register("other", SchemaBuilder.record("Filler").fields().requiredInt("x").endRecord()); // id 1
    AvroSerializer<SampleKey> ser = new AvroSerializer<>(registry, NO_CONFIG, true);
    byte[] bytes = ser.serialize("t", new SampleKey("h", 1L));
    // id 2; string "h" = zigzag length 2, 'h'; long 1 = zigzag 2
    assertArrayEquals(new byte[] {0, 0, 0, 0, 2, 2, 'h', 2}, bytes);
  }

  @Test
  void keyAndValueUseTopicNameStrategySubjects() {
    AvroSerializer<SampleKey> keySer = new AvroSerializer<>(registry, NO_CONFIG, true);
    keySer.serialize(TOPIC, new SampleKey("h", 7L));
    valueSerializer(NO_CONFIG).serialize(TOPIC, Samples.batch("h", 7, 3));
    assertEquals(List.of(TOPIC + "-key", TOPIC + "-value"), registry.listSubjects());
    assertEquals(SampleKey.getClassSchema(), registry.getLatest(TOPIC + "-key").schema());

    AvroDeserializer<SampleKey> keyDe = new AvroDeserializer<>(registry, SampleKey.class);
    keyDe.configure(NO_CONFIG, true);
    ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>(TOPIC, 0, 5L,
        keySer.serialize(TOPIC, new SampleKey("h", 8L)), new byte[] {1});
    assertEquals(new SampleKey("h", 8L), keyDe.deserialize(rec)); // reads the key, not the (bad) value
  }

  @Test
  void otherStrategiesAndConfluentClassNamesAccepted() {
    AvroSerializer<SampleBatch> ser = valueSerializer(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
        "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
    ser.serialize(TOPIC, Samples.batch("h", 1, 1));
    assertEquals(List.of("io.thermocline.serde.test.SampleBatch"), registry.listSubjects());
    valueSerializer(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, TopicRecordNameStrategy.class.getName()))
        .serialize(TOPIC, Samples.batch("h", 1, 1));
    assertTrue(registry.listSubjects().contains(TOPIC + "-io.thermocline.serde.test.SampleBatch"));
  }

  private Schema v1Schema() throws IOException {
    try (InputStream s = getClass().getResourceAsStream("/SampleBatch-v1.avsc")) {
      return new Schema.Parser().parse(s);
    }
  }

  /** A batch written by the v1 schema (no sampleRate, no note). */
  private static GenericRecord v1Batch(Schema v1, List<GenericRecord> entries) {
    GenericRecord old = new GenericData.Record(v1);
    old.put("host", "old-host");
    old.put("source", new GenericData.EnumSymbol(v1.getField("source").schema(), "DAMON"));
    old.put("node", 0);
    old.put("block", 2L);
    old.put("windowStartMs", 1_000L);
    old.put("entries", entries);
    return old;
  }

  @Test
  void oldWriterIsReadByNewReaderWithDefaults() throws IOException {
    Schema v1 = v1Schema();
    int v1Id = registry.register(TOPIC + "-value", v1);
    GenericRecord entry = new GenericData.Record(v1.getField("entries").schema().getElementType());
    entry.put("pfn", 1234L);
    entry.put("count", 5);
    GenericRecord old = v1Batch(v1, List.of(entry));

    SampleBatch read = valueDeserializer().deserialize(TOPIC, frame(v1Id, v1, old));
    assertEquals("old-host", read.getHost());
    assertEquals(io.thermocline.serde.test.SampleSource.DAMON, read.getSource());
    assertEquals(1, read.getSampleRate()); // default of the field added in v2
    assertNull(read.getNote());
    assertEquals(1234L, read.getEntries().get(0).getPfn());
    assertEquals(1_000L, read.getWindowStartMs().toEpochMilli());

    // the new schema registers on top of v1 (BACKWARD) and new bytes carry the new id
    byte[] fresh = valueSerializer(NO_CONFIG).serialize(TOPIC, Samples.batch("h", 3, 2));
    assertTrue(ByteBuffer.wrap(fresh, 1, 4).getInt() != v1Id);
    assertEquals(2, registry.getLatest(TOPIC + "-value").version());
  }

  @Test
  void exactSchemaReaderOnlyForTheExactWriterSchema() throws IOException {
    Schema v1 = v1Schema();
    int v1Id = registry.register(TOPIC + "-value", v1);
    GenericRecord old = v1Batch(v1, List.of());
    AtomicInteger used = new AtomicInteger();
    AvroDeserializer<SampleBatch> d = valueDeserializer().withExactSchemaReader(() ->
        new SpecificDatumReader<>(SampleBatch.class) {
          @Override
          public SampleBatch read(SampleBatch reuse, Decoder in) throws IOException {
            used.incrementAndGet();
            SampleBatch b = super.read(reuse, in);
            b.setNote("exact");
            return b;
          }
        });
    // an older writer schema goes through Avro's resolution, not the exact reader
    SampleBatch fromOld = d.deserialize(TOPIC, frame(v1Id, v1, old));
    assertEquals("old-host", fromOld.getHost());
    assertNull(fromOld.getNote());
    assertEquals(0, used.get());
    // the reader class's own schema takes the exact reader
    SampleBatch in = Samples.batch("h", 9, 4);
    SampleBatch fresh = d.deserialize(TOPIC, valueSerializer(NO_CONFIG).serialize(TOPIC, in));
    assertEquals(1, used.get());
    assertEquals("exact", fresh.getNote());
    assertEquals(in.getEntries(), fresh.getEntries());
  }

  @Test
  void incompatibleWriterSchemaIsReported() throws IOException {
    Schema alien = SchemaBuilder.record("SampleBatch").namespace("io.thermocline.serde.test").fields()
        .requiredString("host").requiredString("block").endRecord();
    int id = registry.register("elsewhere", alien);
    GenericRecord r = new GenericData.Record(alien);
    r.put("host", "x");
    r.put("block", "not-a-long");
    WireFormatException e = assertThrows(WireFormatException.class,
        () -> valueDeserializer().deserialize(TOPIC, 1, 9L, frame(id, alien, r)));
    assertEquals(WireFormatException.Kind.INCOMPATIBLE_WRITER_SCHEMA, e.kind());
    assertTrue(e.getMessage().contains("partition 1 offset 9"), e.getMessage());
  }

  @Test
  void badMagicByteNamesTopicPartitionOffset() {
    byte[] bytes = valueSerializer(NO_CONFIG).serialize(TOPIC, Samples.batch("h", 1, 4));
    bytes[0] = 7;
    AvroDeserializer<SampleBatch> de = valueDeserializer();
    WireFormatException e = assertThrows(WireFormatException.class, () -> de.deserialize(TOPIC, bytes));
    assertEquals(WireFormatException.Kind.BAD_MAGIC_BYTE, e.kind());
    assertTrue(e.getMessage().contains("topic '" + TOPIC + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("partition/offset unknown"), e.getMessage());
    assertTrue(e.getMessage().contains("0x07"), e.getMessage());
    assertInstanceOf(SerializationException.class, e);

    ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>(TOPIC, 3, 42L, null, bytes);
    WireFormatException located = assertThrows(WireFormatException.class, () -> de.deserialize(rec));
    assertEquals(3, located.partition());
    assertEquals(42L, located.offset());
    assertTrue(located.getMessage().startsWith("Cannot deserialize record from topic '" + TOPIC + "' partition 3 offset 42: BAD_MAGIC_BYTE"),
        located.getMessage());

    // what a Streams DeserializationExceptionHandler does with the topic-only exception
    SerializationException viaHandler = WireFormatException.locate(e, TOPIC, 3, 42L);
    assertEquals(located.getMessage(), viaHandler.getMessage());
    SerializationException other = WireFormatException.locate(new IllegalStateException("boom"), TOPIC, 2, 7L);
    assertTrue(other.getMessage().contains("partition 2 offset 7") && other.getMessage().contains("boom"));
  }

  @Test
  void unknownSchemaIdIsReported() {
    byte[] bytes = {0, 0, 0, 0x27, 0x0f, 2, 'h', 2};
    WireFormatException e = assertThrows(WireFormatException.class, () -> valueDeserializer().deserialize(TOPIC, 0, 11L, bytes));
    assertEquals(WireFormatException.Kind.UNKNOWN_SCHEMA_ID, e.kind());
    assertEquals(9999, e.schemaId());
    assertTrue(e.getMessage().contains("schema id 9999") && e.getMessage().contains("partition 0 offset 11"), e.getMessage());
  }

  @Test
  void truncatedShortAndTrailingPayloadsAreCorrupt() {
    byte[] good = valueSerializer(NO_CONFIG).serialize(TOPIC, Samples.batch("host-a", 1, 64));
    AvroDeserializer<SampleBatch> de = valueDeserializer();
    for (int cut : new int[] {1, 10, good.length / 2, good.length - WireFormat.HEADER_SIZE - 1}) {
      byte[] truncated = Arrays.copyOf(good, good.length - cut);
      WireFormatException e = assertThrows(WireFormatException.class, () -> de.deserialize(TOPIC, 4, 100L, truncated),
          "cut " + cut);
      assertEquals(WireFormatException.Kind.CORRUPT_PAYLOAD, e.kind());
      assertTrue(e.getMessage().contains("topic '" + TOPIC + "' partition 4 offset 100"), e.getMessage());
    }
    WireFormatException shortOne = assertThrows(WireFormatException.class, () -> de.deserialize(TOPIC, new byte[] {0, 0}));
    assertTrue(shortOne.getMessage().contains("shorter than the 5-byte"), shortOne.getMessage());
    byte[] trailing = Arrays.copyOf(good, good.length + 3);
    assertEquals(WireFormatException.Kind.CORRUPT_PAYLOAD,
        assertThrows(WireFormatException.class, () -> de.deserialize(TOPIC, trailing)).kind());
  }

  @Test
  void autoRegisterOffRequiresARegisteredSchema() {
    Map<String, Object> off = Map.of(RegistryClientConfig.AUTO_REGISTER_SCHEMAS, false);
    SerializationException e = assertThrows(SerializationException.class,
        () -> valueSerializer(off).serialize(TOPIC, Samples.batch("h", 1, 1)));
    assertTrue(e.getMessage().contains("not registered under subject '" + TOPIC + "-value'"), e.getMessage());
    assertTrue(registry.listSubjects().isEmpty());

    int id = registry.register(TOPIC + "-value", SampleBatch.getClassSchema());
    byte[] bytes = valueSerializer(off).serialize(TOPIC, Samples.batch("h", 1, 1));
    assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
    assertEquals(List.of(1), registry.getAllVersions(TOPIC + "-value"));
  }

  @Test
  void useLatestVersionTakesTheLatestIdWhenItMatches() {
    Map<String, Object> latest = Map.of(RegistryClientConfig.AUTO_REGISTER_SCHEMAS, false,
        RegistryClientConfig.USE_LATEST_VERSION, true);
    int id = registry.register(TOPIC + "-value", SampleBatch.getClassSchema());
    byte[] bytes = valueSerializer(latest).serialize(TOPIC, Samples.batch("h", 1, 1));
    assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());

    registry.setCompatibility(null, io.thermocline.registry.CompatibilityLevel.NONE);
    registry.register(TOPIC + "-value", SampleKey.getClassSchema());
    SerializationException e = assertThrows(SerializationException.class,
        () -> valueSerializer(latest).serialize(TOPIC, Samples.batch("h", 1, 1)));
    assertTrue(e.getMessage().contains("differs from the record schema"), e.getMessage());
  }

  @Test
  void byteBufferPathReadsASliceWithoutCopying() {
    byte[] bytes = valueSerializer(NO_CONFIG).serialize(TOPIC, Samples.batch("h", 5, 9));
    byte[] padded = new byte[bytes.length + 20];
    System.arraycopy(bytes, 0, padded, 10, bytes.length);
    ByteBuffer slice = ByteBuffer.wrap(padded, 10, bytes.length).slice();
    assertEquals(Samples.batch("h", 5, 9), valueDeserializer().deserialize(TOPIC, null, slice));
  }

  @Test
  void configuredByMapWithMockUrlAndTypeName() {
    String scope = "serde-test-" + System.nanoTime();
    Map<String, Object> cfg = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
        AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, SampleBatch.class.getName());
    try (AvroSerializer<SampleBatch> ser = new AvroSerializer<>(); AvroDeserializer<SampleBatch> de = new AvroDeserializer<>()) {
      ser.configure(cfg, false);
      de.configure(cfg, false);
      SampleBatch in = Samples.batch("m", 2, 2);
      assertEquals(in, de.deserialize(TOPIC, ser.serialize(TOPIC, in)));
      assertEquals(List.of(TOPIC + "-value"), InMemorySchemaRegistryClient.forScope(scope).listSubjects());
    } finally {
      InMemorySchemaRegistryClient.dropScope(scope);
    }
  }

  @Test
  void reflectivelyConstructedSerdeTakesItsTypeFromConfig() throws Exception {
    String scope = "serde-noarg-" + System.nanoTime();
    Map<String, Object> cfg = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
        AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE, SampleKey.class.getName());
    @SuppressWarnings("unchecked")
    Serde<SampleKey> serde = org.apache.kafka.common.utils.Utils.newInstance(AvroSerde.class.getName(), Serde.class);
    try {
      serde.configure(cfg, true);
      SampleKey key = new SampleKey("k", 3L);
      assertEquals(key, serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, key)));
      assertEquals(List.of(TOPIC + "-key"), InMemorySchemaRegistryClient.forScope(scope).listSubjects());
    } finally {
      serde.close();
      InMemorySchemaRegistryClient.dropScope(scope);
    }
  }

  @Test
  void deserializerWithoutTypeUsesTheWriterSchemaClass() {
    byte[] bytes = valueSerializer(NO_CONFIG).serialize(TOPIC, Samples.batch("h", 5, 2));
    AvroDeserializer<SampleBatch> de = new AvroDeserializer<>(registry, null);
    de.configure(NO_CONFIG, false);
    assertEquals(Samples.batch("h", 5, 2), de.deserialize(TOPIC, bytes));
  }

  @Test
  void wireSerdeFactoryDefaultAndByClassName() {
    String scope = "factory-test-" + System.nanoTime();
    try {
      Map<String, Object> cfg = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
      WireSerdeFactory def = WireSerdeFactory.fromConfig(cfg);
      assertInstanceOf(ThermoclineWireSerdeFactory.class, def);
      Serde<SampleBatch> serde = def.serde(SampleBatch.class, cfg, false);
      SampleBatch in = Samples.batch("f", 1, 3);
      byte[] bytes = serde.serializer().serialize(TOPIC, in);
      assertEquals(in, serde.deserializer().deserialize(TOPIC, bytes));

      // drop-in by class name (Confluent's KafkaAvroSerializer is configured the same way)
      Map<String, Object> byName = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
          AvroSerdeConfig.SERIALIZER_CLASS, AvroSerializer.class.getName(),
          AvroSerdeConfig.DESERIALIZER_CLASS, AvroDeserializer.class.getName());
      WireSerdeFactory named = WireSerdeFactory.fromConfig(byName);
      assertInstanceOf(ClassNameWireSerdeFactory.class, named);
      Serde<SampleBatch> s2 = named.serde(SampleBatch.class, byName, false);
      assertEquals(in, s2.deserializer().deserialize(TOPIC, s2.serializer().serialize(TOPIC, in)));
      assertArrayEquals(bytes, s2.serializer().serialize(TOPIC, in));

      Map<String, Object> missing = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
          AvroSerdeConfig.SERIALIZER_CLASS, "io.confluent.kafka.serializers.KafkaAvroSerializer");
      org.apache.kafka.common.config.ConfigException e = assertThrows(org.apache.kafka.common.config.ConfigException.class,
          () -> WireSerdeFactory.fromConfig(missing).serde(SampleBatch.class, missing, false));
      assertTrue(e.getMessage().contains("KafkaAvroSerializer"), e.getMessage());
    } finally {
      InMemorySchemaRegistryClient.dropScope(scope);
    }
  }

  @Test
  void concurrentUseIsSafe() throws Exception {
    AvroSerializer<SampleBatch> ser = valueSerializer(NO_CONFIG);
    AvroDeserializer<SampleBatch> de = valueDeserializer();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final int thread = t;
        results.add(pool.submit(() -> {
          int ok = 0;
          for (int i = 0; i < 500; i++) {
            SampleBatch in = Samples.batch("t" + thread, i, 1 + (i % 40));
            if (in.equals(de.deserialize(TOPIC, ser.serialize(TOPIC, in)))) {
              ok++;
            }
          }
          return ok;
        }));
      }
      for (Future<Integer> f : results) {
        assertEquals(500, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
    enc.flush();
    return out.toByteArray();
  }
}
