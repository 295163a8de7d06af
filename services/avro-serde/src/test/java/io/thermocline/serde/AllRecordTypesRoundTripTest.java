package io.thermocline.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.registry.InMemorySchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

/** Every record class of thermocline-schemas round-trips through the serde, byte-exact. */
class AllRecordTypesRoundTripTest {
  private static final String PACKAGE_DIR = "io/thermocline/avro";
  private static final int RECORDS_PER_TYPE = 25;
  private static final long SEED = 20261126L;
  /** DESIGN.md section 2 names eight value records; keys come on top. */
  private static final int MIN_RECORD_TYPES = 8;

  @Test
  void everyRecordTypeRoundTrips() throws Exception {
    List<Class<? extends SpecificRecordBase>> types = recordClasses();
    assertTrue(types.size() >= MIN_RECORD_TYPES, "found only " + types);
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    for (Class<? extends SpecificRecordBase> type : types) {
      roundTrip(registry, type);
    }
    assertEquals(types.size(), registry.listSubjects().size());
  }

  private static <T extends SpecificRecordBase> void roundTrip(InMemorySchemaRegistryClient registry, Class<T> type)
      throws IOException {
    Schema schema = SpecificData.get().getSchema(type);
    String topic = "t-" + type.getSimpleName();
    AvroSerializer<T> ser = new AvroSerializer<>(registry, Map.of(), false);
    AvroDeserializer<T> de = new AvroDeserializer<>(registry, type);
    de.configure(Map.of(), false);
    SpecificDatumReader<T> toSpecific = new SpecificDatumReader<>(schema, schema, SpecificData.getForClass(type));
    for (Object generic : new RandomData(schema, RECORDS_PER_TYPE, SEED)) {
      byte[] avro = encodeGeneric(schema, generic);
      T record = toSpecific.read(null, DecoderFactory.get().binaryDecoder(avro, null));
      byte[] wire = ser.serialize(topic, record);
      assertArrayEquals(avro, Arrays.copyOfRange(wire, WireFormat.HEADER_SIZE, wire.length), type.getName());
      assertEquals(record, de.deserialize(topic, wire), type.getName());
    }
  }

  private static byte[] encodeGeneric(Schema schema, Object datum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<>(schema).write(datum, enc);
    enc.flush();
    return out.toByteArray();
  }

  /** All generated record classes under io.thermocline.avro in the schemas artifact. */
  @SuppressWarnings("unchecked")
  private static List<Class<? extends SpecificRecordBase>> recordClasses() throws IOException, URISyntaxException {
    Path location = Path.of(PageAccessBatch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    FileSystem jarFs = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location);
    try {
      Path root = (jarFs == null ? location : jarFs.getPath("/")).resolve(PACKAGE_DIR);
      try (Stream<Path> files = Files.walk(root)) {
        return files.map(p -> root.getParent().getParent().getParent().relativize(p).toString())
            .filter(n -> n.endsWith(".class") && !n.contains("$"))
            .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
            .map(AllRecordTypesRoundTripTest::load)
            .filter(c -> SpecificRecordBase.class.isAssignableFrom(c) && SpecificRecord.class.isAssignableFrom(c))
            .<Class<? extends SpecificRecordBase>>map(c -> (Class<? extends SpecificRecordBase>) c)
            .sorted((a, b) -> a.getName().compareTo(b.getName()))
            .toList();
      }
    } finally {
      if (jarFs != null) {
        jarFs.close();
      }
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
