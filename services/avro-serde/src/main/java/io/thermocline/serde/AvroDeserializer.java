package io.thermocline.serde;

import io.thermocline.registry.SchemaNotFoundException;
import io.thermocline.registry.SchemaRegistryClient;
import io.thermocline.registry.SchemaRegistryClients;
import io.thermocline.registry.SchemaRegistryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes Confluent-wire-format Avro into specific records of class {@code T}: the writer
 * schema is fetched by the id in the header, the reader schema is the class's, and Avro schema
 * resolution bridges them (old writers keep working). One {@link DatumReader} is cached per writer
 * id; decoding reuses a per-thread {@link BinaryDecoder}.
 *
 * <p>Without a configured class ({@code specific.avro.value.type} / {@code specific.avro.key.type}
 * or the constructor), the class named by the writer schema is used.
 *
 * <p>Malformed bytes throw {@link WireFormatException} naming topic and, through
 * {@link #deserialize(ConsumerRecord)} or {@link #deserialize(String, int, long, byte[])},
 * partition and offset. A registry that cannot be reached gives a plain
 * {@link SerializationException} instead: the record may be fine, so it is not a DLQ case.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

  private SchemaRegistryClient client;
  private boolean ownsClient;
  private boolean isKey;
  private Class<T> type;
  private Schema readerSchema;
  private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
  private Supplier<DatumReader<T>> exactSchemaReader;

  /** For Kafka's reflective construction; {@link #configure} supplies client and type. */
  public AvroDeserializer() {}

  /** Reads into {@code type} (null: the writer schema's class) with {@code client}. */
  public AvroDeserializer(SchemaRegistryClient client, Class<T> type) {
    this.client = Objects.requireNonNull(client, "client");
    setType(type);
  }

  /** Reads into {@code type}; {@link #configure} creates the client. */
  public AvroDeserializer(Class<T> type) {
    setType(type);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    this.isKey = isKey;
    Class<?> configured = config.specificType(isKey);
    if (type == null && configured != null) {
      if (!SpecificRecord.class.isAssignableFrom(configured)) {
        throw new org.apache.kafka.common.config.ConfigException(
            isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE,
            configured.getName(), "not a SpecificRecord class");
      }
      setType((Class<T>) configured);
    }
    if (client == null) {
      client = SchemaRegistryClients.create(config);
      ownsClient = true;
    }
    readers.clear();
  }

  /**
   * Decodes with {@code reader} (stateless, shared by threads) instead of Avro's resolving reader when the writer
   * schema equals the reader class's schema exactly - a hand-written decoder for a hot topic. Other writer
   * schemas still go through schema resolution.
   */
  public AvroDeserializer<T> withExactSchemaReader(Supplier<DatumReader<T>> reader) {
    this.exactSchemaReader = reader;
    readers.clear();
    return this;
  }

  private void setType(Class<T> type) {
    this.type = type;
    this.readerSchema = type == null ? null : SpecificData.getForClass(type).getSchema(type);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : decode(topic, WireFormatException.UNKNOWN_PARTITION, WireFormatException.UNKNOWN_OFFSET,
        data, 0, data.length);
  }

  @Override
  public T deserialize(String topic, Headers headers, byte[] data) {
    return deserialize(topic, data);
  }

  @Override
  public T deserialize(String topic, Headers headers, ByteBuffer data) {
    if (data == null) {
      return null;
    }
    if (data.hasArray()) {
      return decode(topic, WireFormatException.UNKNOWN_PARTITION, WireFormatException.UNKNOWN_OFFSET,
          data.array(), data.arrayOffset() + data.position(), data.remaining());
    }
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return deserialize(topic, copy);
  }

  /** Deserializes with a known location, so errors name partition and offset. */
  public T deserialize(String topic, int partition, long offset, byte[] data) {
    return data == null ? null : decode(topic, partition, offset, data, 0, data.length);
  }

  /** Deserializes the key (if configured as key deserializer) or value of a raw consumer record. */
  public T deserialize(ConsumerRecord<byte[], byte[]> record) {
    return deserialize(record.topic(), record.partition(), record.offset(), isKey ? record.key() : record.value());
  }

  private T decode(String topic, int partition, long offset, byte[] buf, int off, int len) {
    if (client == null) {
      throw new IllegalStateException("AvroDeserializer used before configure() and without a registry client");
    }
    if (len < WireFormat.HEADER_SIZE) {
      throw new WireFormatException(WireFormatException.Kind.CORRUPT_PAYLOAD, topic, partition, offset,
          WireFormatException.UNKNOWN_SCHEMA_ID,
          "payload of " + len + " bytes is shorter than the " + WireFormat.HEADER_SIZE + "-byte wire format header", null);
    }
    if (buf[off] != WireFormat.MAGIC_BYTE) {
      throw new WireFormatException(WireFormatException.Kind.BAD_MAGIC_BYTE, topic, partition, offset,
          WireFormatException.UNKNOWN_SCHEMA_ID,
          String.format("magic byte 0x%02x, expected 0x%02x (not Confluent wire format)", buf[off] & 0xff,
              WireFormat.MAGIC_BYTE), null);
    }
    int id = WireFormat.readSchemaId(buf, off);
    DatumReader<T> reader = readers.get(id);
    if (reader == null) {
      reader = createReader(topic, partition, offset, id);
      readers.put(id, reader);
    }
    if (reader instanceof ByteArrayDatumReader<T> direct) {
      try {
        return direct.read(buf, off + WireFormat.HEADER_SIZE, len - WireFormat.HEADER_SIZE);
      } catch (IOException | RuntimeException e) {
        throw new WireFormatException(WireFormatException.Kind.CORRUPT_PAYLOAD, topic, partition, offset, id,
            "Avro body of " + (len - WireFormat.HEADER_SIZE) + " bytes does not decode with writer schema id " + id
                + " (truncated, corrupt or trailing bytes): " + e, e);
      }
    }
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(buf, off + WireFormat.HEADER_SIZE,
        len - WireFormat.HEADER_SIZE, DECODER.get());
    DECODER.set(decoder);
    T value;
    try {
      value = reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException(WireFormatException.Kind.CORRUPT_PAYLOAD, topic, partition, offset, id,
          "Avro body of " + (len - WireFormat.HEADER_SIZE) + " bytes does not decode with writer schema id " + id
              + " (truncated or corrupt): " + e, e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new WireFormatException(WireFormatException.Kind.CORRUPT_PAYLOAD, topic, partition, offset, id,
            "trailing bytes after the Avro body of writer schema id " + id, null);
      }
    } catch (IOException e) {
      throw new WireFormatException(WireFormatException.Kind.CORRUPT_PAYLOAD, topic, partition, offset, id, e.toString(), e);
    }
    return value;
  }

  private DatumReader<T> createReader(String topic, int partition, long offset, int id) {
    Schema writer;
    try {
      writer = client.getSchemaById(id);
    } catch (SchemaNotFoundException e) {
      throw new WireFormatException(WireFormatException.Kind.UNKNOWN_SCHEMA_ID, topic, partition, offset, id,
          "schema id " + id + " is not in the registry: " + e.getMessage(), e);
    } catch (SchemaRegistryException e) {
      throw new SerializationException("Cannot fetch writer schema id " + id + " for topic '" + topic + "' partition "
          + partition + " offset " + offset + ": " + e.getMessage(), e);
    }
    Schema reader = readerSchema;
    if (reader == null) {
      if (SpecificData.get().getClass(writer) == null) {
        throw new SerializationException("No SpecificRecord class on the classpath for writer schema " + writer.getFullName()
            + " (id " + id + ", topic '" + topic + "'); set " + (isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE
                : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE));
      }
      reader = writer;
    } else {
      SchemaCompatibility.SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        throw new WireFormatException(WireFormatException.Kind.INCOMPATIBLE_WRITER_SCHEMA, topic, partition, offset, id,
            "writer schema id " + id + " (" + writer.getFullName() + ") cannot be read as " + reader.getFullName() + ": "
                + c.getResult().getIncompatibilities(), null);
      }
    }
    if (exactSchemaReader != null && readerSchema != null && writer.equals(readerSchema)) {
      return exactSchemaReader.get();
    }
    SpecificData base = type != null ? SpecificData.getForClass(type) : SpecificData.getForSchema(writer);
    SpecificData data = base;
    if (writer.equals(reader)) {
      // no resolution needed: use the generated custom decoders (private model copy, globals untouched)
      data = new SpecificData(base.getClassLoader());
      base.getConversions().forEach(data::addLogicalTypeConversion);
      data.setCustomCoders(true);
    }
    return new SpecificDatumReader<>(writer, reader, data);
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "AvroDeserializer{" + (isKey ? "key" : "value") + ", type=" + (type == null ? "by writer schema" : type.getName())
        + ", client=" + client + "}";
  }
}
