package io.thermocline.topics;

import io.thermocline.serde.WireSerdeFactory;
import java.util.Map;

/** Binds the catalogue to the wire serdes chosen by configuration (registry URL, auth, serde factory). */
public final class TopicSerdes {

    private TopicSerdes() {
    }

    /** Serde factory configured with {@code serdeConfig} (e.g. {@code schema.registry.url}). */
    public static SerdeFactory fromConfig(Map<String, ?> serdeConfig) {
        WireSerdeFactory wire = WireSerdeFactory.fromConfig(serdeConfig);
        Map<String, ?> config = Map.copyOf(serdeConfig);
        return new SerdeFactory() {
            @Override
            public <T extends org.apache.avro.specific.SpecificRecord> org.apache.kafka.common.serialization.Serde<T>
                    create(Class<T> type, boolean isKey) {
                return wire.serde(type, config, isKey);
            }
        };
    }
}
