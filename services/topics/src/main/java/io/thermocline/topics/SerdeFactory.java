package io.thermocline.topics;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Makes the wire serde of one record type; the Avro/registry implementation lives in avro-serde. */
@FunctionalInterface
public interface SerdeFactory {
    <T extends SpecificRecord> Serde<T> create(Class<T> type, boolean isKey);
}
