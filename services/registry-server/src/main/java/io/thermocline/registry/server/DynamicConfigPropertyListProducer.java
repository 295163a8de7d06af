package io.thermocline.registry.server;

import io.apicurio.common.apps.config.Dynamic;
import io.apicurio.common.apps.config.DynamicConfigPropertyDef;
import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import io.quarkus.arc.Arc;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.enterprise.inject.Any;
import javax.enterprise.inject.Produces;
import javax.enterprise.inject.spi.Bean;
import javax.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Supplies the list of Apicurio's dynamic (runtime-editable) configuration properties.
 *
 * <p>Upstream builds this list at build time with the Quarkus extension
 * {@code apicurio-common-app-components-config-index}, whose deployment half is not on Maven
 * Central. {@link Dynamic} is a runtime-retained CDI qualifier, so the same information is read
 * here from the container instead: every field of every bean class that carries both
 * {@code @ConfigProperty} and {@code @Dynamic}.
 */
public class DynamicConfigPropertyListProducer {

    private static final Logger LOG = Logger.getLogger(DynamicConfigPropertyListProducer.class);

    @Produces
    @Singleton
    DynamicConfigPropertyList dynamicConfigPropertyList() {
        List<DynamicConfigPropertyDef> defs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            for (Class<?> c = bean.getBeanClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : declaredFields(c)) {
                    DynamicConfigPropertyDef def = toDef(field);
                    if (def != null && seen.add(def.getName())) {
                        defs.add(def);
                    }
                }
            }
        }
        defs.sort(Comparator.comparing(DynamicConfigPropertyDef::getName));
        LOG.infof("Indexed %d dynamic configuration properties", defs.size());
        return new DynamicConfigPropertyList(defs);
    }

    private static Field[] declaredFields(Class<?> c) {
        try {
            return c.getDeclaredFields();
        } catch (LinkageError e) {
            // a bean class referring to an optional library that is absent: it has no dynamic config
            return new Field[0];
        }
    }

    static DynamicConfigPropertyDef toDef(Field field) {
        Dynamic dynamic = field.getAnnotation(Dynamic.class);
        ConfigProperty property = field.getAnnotation(ConfigProperty.class);
        if (dynamic == null || property == null) {
            return null;
        }
        String defaultValue = ConfigProperty.UNCONFIGURED_VALUE.equals(property.defaultValue())
                ? null : property.defaultValue();
        DynamicConfigPropertyDef def = new DynamicConfigPropertyDef(
                property.name(), valueType(field), defaultValue);
        def.setLabel(dynamic.label());
        def.setDescription(dynamic.description());
        def.setRequires(dynamic.requires());
        return def;
    }

    /** {@code Supplier<Boolean>} -> Boolean; a plain field type is taken as it is. */
    private static Class<?> valueType(Field field) {
        Type type = field.getGenericType();
        if (field.getType() == Supplier.class && type instanceof ParameterizedType) {
            Type arg = ((ParameterizedType) type).getActualTypeArguments()[0];
            if (arg instanceof Class) {
                return (Class<?>) arg;
            }
        }
        return field.getType();
    }
}
