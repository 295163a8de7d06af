package io.thermocline.topics;

import io.thermocline.serde.WireSerdeFactory;
import java.util.Map;

/** Binds the catalogue to the wire serdes chosen by configuration (registry URL, auth, serde factory). */
public final class TopicSerdes {

    private TopicSerdes() {
    }

    /**
     * Registers every catalogue key and value schema under its subject, one after the other: start-up code
     * calls this once so that many producers do not race to register the same schemas.
     *
     * @return the number of subjects registered or found
     */
    public static int registerSchemas(Map<String, ?> serdeConfig) {
        io.thermocline.registry.SchemaRegistryClient client =
                io.thermocline.registry.SchemaRegistryClients.create(serdeConfig);
        int n = 0;
        for (TopicSpec<?, ?> t : Topics.ALL) {
            client.register(t.keySubject(), io.thermocline.schemas.ThermoclineSchemas.schemaOf(t.keyType()));
            client.register(t.valueSubject(), io.thermocline.schemas.ThermoclineSchemas.schemaOf(t.valueType()));
            n += 2;
        }
        return n;
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
