package io.thermocline.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;

/**
 * Makes the Confluent-wire-format Avro serdes the pipeline uses, so that the implementation can be
 * swapped by configuration. Services obtain serdes only through {@link #fromConfig}:
 *
 * <ul>
 *   <li>default: {@link ThermoclineWireSerdeFactory} ({@link AvroSerde});
 *   <li>{@code thermocline.serde.serializer.class} / {@code thermocline.serde.deserializer.class}
 *       set (e.g. Confluent's {@code io.confluent.kafka.serializers.KafkaAvroSerializer} and
 *       {@code KafkaAvroDeserializer}, with their jars on the classpath):
 *       {@link ClassNameWireSerdeFactory};
 *   <li>{@code thermocline.serde.factory}: any implementation of this interface by class name.
 * </ul>
 */
public interface WireSerdeFactory {

  /** A serde for {@code type} configured with {@code configs} as key or value serde. */
  <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> configs, boolean isKey);

  /** The factory {@code configs} select (see the class comment). */
  static WireSerdeFactory fromConfig(Map<String, ?> configs) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    String factory = config.getString(AvroSerdeConfig.SERDE_FACTORY);
    if (factory != null) {
      try {
        return Utils.newInstance(factory, WireSerdeFactory.class);
      } catch (ClassNotFoundException | RuntimeException e) {
        throw new ConfigException(AvroSerdeConfig.SERDE_FACTORY, factory, "cannot instantiate: " + e.getMessage());
      }
    }
    if (config.getString(AvroSerdeConfig.SERIALIZER_CLASS) != null
        || config.getString(AvroSerdeConfig.DESERIALIZER_CLASS) != null) {
      return new ClassNameWireSerdeFactory();
    }
    return new ThermoclineWireSerdeFactory();
  }
}
