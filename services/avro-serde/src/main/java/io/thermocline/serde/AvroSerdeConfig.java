package io.thermocline.serde;

import io.thermocline.registry.RegistryClientConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;

/**
 * Serde settings: every {@link RegistryClientConfig} key plus the specific record types, subject
 * name strategies and the pluggable implementation (Confluent's names where Confluent has one).
 */
public class AvroSerdeConfig extends RegistryClientConfig {
  /** SpecificRecord class the key deserializer returns. */
  public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
  /** SpecificRecord class the value deserializer returns. */
  public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";
  /** Subject name strategy class for keys. */
  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
  /** Subject name strategy class for values. */
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
  /** {@link WireSerdeFactory} implementation class. */
  public static final String SERDE_FACTORY = "thermocline.serde.factory";
  /** Serializer class for {@link ClassNameWireSerdeFactory}, e.g. io.confluent.kafka.serializers.KafkaAvroSerializer. */
  public static final String SERIALIZER_CLASS = "thermocline.serde.serializer.class";
  /** Deserializer class for {@link ClassNameWireSerdeFactory}, e.g. io.confluent.kafka.serializers.KafkaAvroDeserializer. */
  public static final String DESERIALIZER_CLASS = "thermocline.serde.deserializer.class";

  /** Confluent's strategy class names, mapped to the equivalent ones here. */
  private static final Map<String, Class<? extends SubjectNameStrategy>> STRATEGY_ALIASES = Map.of(
      "io.confluent.kafka.serializers.subject.TopicNameStrategy", TopicNameStrategy.class,
      "io.confluent.kafka.serializers.subject.RecordNameStrategy", RecordNameStrategy.class,
      "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy", TopicRecordNameStrategy.class);

  public static ConfigDef configDef() {
    return RegistryClientConfig.configDef()
        .define(SPECIFIC_AVRO_KEY_TYPE, Type.CLASS, null, Importance.MEDIUM,
            "SpecificRecord class returned by the key deserializer (reader schema)")
        .define(SPECIFIC_AVRO_VALUE_TYPE, Type.CLASS, null, Importance.MEDIUM,
            "SpecificRecord class returned by the value deserializer (reader schema)")
        .define(KEY_SUBJECT_NAME_STRATEGY, Type.STRING, TopicNameStrategy.class.getName(), Importance.LOW,
            "SubjectNameStrategy for keys (Confluent's class names are accepted)")
        .define(VALUE_SUBJECT_NAME_STRATEGY, Type.STRING, TopicNameStrategy.class.getName(), Importance.LOW,
            "SubjectNameStrategy for values (Confluent's class names are accepted)")
        .define(SERDE_FACTORY, Type.STRING, null, Importance.LOW,
            "WireSerdeFactory class; default Thermocline's, or ClassNameWireSerdeFactory when "
                + SERIALIZER_CLASS + " is set")
        .define(SERIALIZER_CLASS, Type.STRING, null, Importance.LOW,
            "Serializer class used by ClassNameWireSerdeFactory")
        .define(DESERIALIZER_CLASS, Type.STRING, null, Importance.LOW,
            "Deserializer class used by ClassNameWireSerdeFactory");
  }

  public AvroSerdeConfig(Map<?, ?> props) {
    super(configDef(), props);
  }

  /** The configured specific record class for keys or values, or null. */
  public Class<?> specificType(boolean isKey) {
    return getClass(isKey ? SPECIFIC_AVRO_KEY_TYPE : SPECIFIC_AVRO_VALUE_TYPE);
  }

  public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
    String key = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
    String name = getString(key);
    Class<? extends SubjectNameStrategy> alias = STRATEGY_ALIASES.get(name);
    try {
      return alias != null ? Utils.newInstance(alias) : Utils.newInstance(name, SubjectNameStrategy.class);
    } catch (ClassNotFoundException | RuntimeException e) {
      throw new ConfigException(key, name, "not a loadable SubjectNameStrategy: " + e.getMessage());
    }
  }
}
