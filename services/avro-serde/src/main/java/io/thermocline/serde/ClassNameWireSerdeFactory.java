package io.thermocline.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Builds serdes from serializer/deserializer class names, e.g. Confluent's KafkaAvroSerializer and
 * KafkaAvroDeserializer. Each is created with its no-arg constructor and configured with the given
 * settings plus {@code specific.avro.reader=true} and the record type as
 * {@code specific.avro.key.type} / {@code specific.avro.value.type}, so they return {@code T}.
 * Unset class names fall back to Thermocline's {@link AvroSerializer} / {@link AvroDeserializer}.
 */
public final class ClassNameWireSerdeFactory implements WireSerdeFactory {
  /** Confluent's switch from GenericRecord to SpecificRecord results. */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  @Override
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    Map<String, Object> effective = new HashMap<>(configs);
    effective.putIfAbsent(SPECIFIC_AVRO_READER, true);
    effective.putIfAbsent(isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE,
        type.getName());
    String serName = config.getString(AvroSerdeConfig.SERIALIZER_CLASS);
    String deName = config.getString(AvroSerdeConfig.DESERIALIZER_CLASS);
    Serializer<T> ser = serName == null ? new AvroSerializer<>()
        : (Serializer<T>) instantiate(AvroSerdeConfig.SERIALIZER_CLASS, serName, Serializer.class);
    Deserializer<T> de = deName == null ? new AvroDeserializer<>(type)
        : (Deserializer<T>) instantiate(AvroSerdeConfig.DESERIALIZER_CLASS, deName, Deserializer.class);
    ser.configure(effective, isKey);
    de.configure(effective, isKey);
    return Serdes.serdeFrom(ser, de);
  }

  private static <C> C instantiate(String key, String className, Class<C> base) {
    try {
      return Utils.newInstance(className, base);
    } catch (ClassNotFoundException | RuntimeException e) {
      throw new ConfigException(key, className, "cannot instantiate: " + e);
    }
  }
}
