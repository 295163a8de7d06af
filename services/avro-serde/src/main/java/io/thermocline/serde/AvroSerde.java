package io.thermocline.serde;

import io.thermocline.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** {@link AvroSerializer} + {@link AvroDeserializer} for one specific record class. */
public class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /**
   * For reflective construction (e.g. Streams' {@code default.value.serde}): the record class comes
   * from {@code specific.avro.key.type} / {@code specific.avro.value.type}, else the writer schema.
   */
  public AvroSerde() {
    this.serializer = new AvroSerializer<>();
    this.deserializer = new AvroDeserializer<>();
  }

  /** Client created by {@link #configure} from {@code schema.registry.url}. */
  public AvroSerde(Class<T> type) {
    this.serializer = new AvroSerializer<>();
    this.deserializer = new AvroDeserializer<>(type);
  }

  /** Shares {@code client}; still call {@link #configure} (or use {@link #configured}). */
  public AvroSerde(Class<T> type, SchemaRegistryClient client) {
    this.serializer = new AvroSerializer<>(client);
    this.deserializer = new AvroDeserializer<>(client, type);
  }

  /** A serde for {@code type}, configured as key or value serde. */
  public static <T extends SpecificRecord> AvroSerde<T> configured(Class<T> type, Map<String, ?> configs, boolean isKey) {
    AvroSerde<T> serde = new AvroSerde<>(type);
    serde.configure(configs, isKey);
    return serde;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  /** See {@link AvroDeserializer#withExactSchemaReader}. */
  public AvroSerde<T> withExactSchemaReader(Supplier<DatumReader<T>> reader) {
    deserializer.withExactSchemaReader(reader);
    return this;
  }

  /** The deserializer with its location-aware methods. */
  public AvroDeserializer<T> avroDeserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
