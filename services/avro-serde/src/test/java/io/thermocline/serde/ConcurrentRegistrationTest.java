package io.thermocline.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.thermocline.registry.IncompatibleSchemaException;
import io.thermocline.registry.InMemorySchemaRegistryClient;
import io.thermocline.registry.NotFoundException;
import io.thermocline.registry.SchemaRegistryClient;
import io.thermocline.serde.test.SampleKey;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** A 409 on registration that only means "someone registered it first" must not fail the serializer. */
class ConcurrentRegistrationTest {

    /** A registry whose register() answers 409 after the schema was registered (another client won the race). */
    static SchemaRegistryClient racing(InMemorySchemaRegistryClient real, boolean registerFirst) {
        AtomicInteger calls = new AtomicInteger();
        return (SchemaRegistryClient) Proxy.newProxyInstance(SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class}, (proxy, m, args) -> {
                    if (m.getName().equals("register") && calls.getAndIncrement() == 0) {
                        if (registerFirst) {
                            real.register((String) args[0], (Schema) args[1]);
                        }
                        throw new IncompatibleSchemaException("An artifact with ID '" + args[0] + "' already exists", 409);
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void a409ForASchemaThatIsThereNowFallsBackToItsId() {
        InMemorySchemaRegistryClient real = new InMemorySchemaRegistryClient();
        try (AvroSerializer<SampleKey> ser = new AvroSerializer<>(racing(real, true), Map.of(), true)) {
            byte[] bytes = ser.serialize("t", new SampleKey("h", 1L));
            assertEquals(real.getId("t-key", SampleKey.getClassSchema()), WireFormat.readSchemaId(bytes, 0));
        }
    }

    @Test
    void a409BeforeTheOtherClientsVersionIsReadableWaitsForIt() {
        // Apicurio: "already exists" while the concurrent registration is not yet readable by a lookup
        InMemorySchemaRegistryClient real = new InMemorySchemaRegistryClient();
        AtomicInteger lookups = new AtomicInteger();
        SchemaRegistryClient late = (SchemaRegistryClient) Proxy.newProxyInstance(
                SchemaRegistryClient.class.getClassLoader(), new Class<?>[] {SchemaRegistryClient.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("register")) {
                        throw new IncompatibleSchemaException("An artifact with ID '" + args[0] + "' already exists",
                                409);
                    }
                    if (m.getName().equals("getId") && lookups.getAndIncrement() < 2) {
                        throw new NotFoundException("Subject '" + args[0] + "' not found", 40401);
                    }
                    if (m.getName().equals("getId")) {
                        real.register((String) args[0], (Schema) args[1]); // now readable
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (AvroSerializer<SampleKey> ser = new AvroSerializer<>(late, Map.of(), true)) {
            byte[] bytes = ser.serialize("t", new SampleKey("h", 1L));
            assertEquals(real.getId("t-key", SampleKey.getClassSchema()), WireFormat.readSchemaId(bytes, 0));
            assertEquals(3, lookups.get(), "two lookups missed, the third found it");
        }
    }

    @Test
    void a409ForAnIncompatibleSchemaStillFails() {
        InMemorySchemaRegistryClient real = new InMemorySchemaRegistryClient();
        try (AvroSerializer<SampleKey> ser = new AvroSerializer<>(racing(real, false), Map.of(), true)) {
            assertThrows(SerializationException.class, () -> ser.serialize("t", new SampleKey("h", 1L)));
        }
    }
}
