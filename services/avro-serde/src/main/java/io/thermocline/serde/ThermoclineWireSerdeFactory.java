package io.thermocline.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** The default {@link WireSerdeFactory}: Thermocline's own {@link AvroSerde}. */
public final class ThermoclineWireSerdeFactory implements WireSerdeFactory {
  @Override
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> configs, boolean isKey) {
    return AvroSerde.configured(type, configs, isKey);
  }
}
