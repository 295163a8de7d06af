package io.thermocline.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.apicurio.common.apps.config.Dynamic;
import io.apicurio.common.apps.config.DynamicConfigPropertyDef;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

class DynamicConfigPropertyListProducerTest {

    @SuppressWarnings("unused")
    static class Sample {
        @Dynamic(label = "Legacy ids", description = "use global ids", requires = "registry.x=true")
        @ConfigProperty(name = "registry.legacy", defaultValue = "false")
        Supplier<Boolean> legacy;

        @Dynamic(label = "TTL", description = "seconds")
        @ConfigProperty(name = "registry.ttl")
        Long ttl;

        @ConfigProperty(name = "registry.static", defaultValue = "1")
        int notDynamic;

        @Dynamic(label = "no name")
        Supplier<String> notAConfigProperty;
    }

    private static DynamicConfigPropertyDef def(String field) throws NoSuchFieldException {
        return DynamicConfigPropertyListProducer.toDef(Sample.class.getDeclaredField(field));
    }

    @Test
    void supplierFieldGivesTheSuppliedTypeAndAllMetadata() throws Exception {
        DynamicConfigPropertyDef d = def("legacy");
        assertEquals("registry.legacy", d.getName());
        assertEquals(Boolean.class, d.getType());
        assertEquals("false", d.getDefaultValue());
        assertEquals("Legacy ids", d.getLabel());
        assertEquals("use global ids", d.getDescription());
        assertArrayEquals(new String[] {"registry.x=true"}, d.getRequires());
    }

    @Test
    void plainFieldKeepsItsTypeAndHasNoDefaultWhenNoneIsDeclared() throws Exception {
        DynamicConfigPropertyDef d = def("ttl");
        assertEquals(Long.class, d.getType());
        assertNull(d.getDefaultValue());
    }

    @Test
    void onlyFieldsWithBothAnnotationsAreDynamicProperties() throws Exception {
        assertNull(def("notDynamic"));
        assertNull(def("notAConfigProperty"));
    }
}
