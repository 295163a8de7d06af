package io.thermocline.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Checks the environment of a Thermocline container against the services' typed config classes,
 * read by reflection: each service owns the variables {@code <PREFIX><KEY>} (key upper-cased, dots and
 * dashes as underscores, or the class's own static {@code envName(String)}), and its ConfigDef is a
 * static field or no-argument static method. A class that does not exist yet, or a feature the class
 * lacks (Kafka client pass-through, metrics keys), is reported as <em>pending</em>, not as an error.
 */
final class ServiceConfigs {

    /**
     * A service's env prefix, config class, and where its Kafka client pass-through is declared
     * ({@code class#field} of a static String prefix such as "kafka."; the config class's own
     * {@value #KAFKA_PREFIX_FIELD} counts too).
     */
    record Service(String name, String envPrefix, String configClass, List<String> passThroughMarkers) {
        Service(String name, String envPrefix, String configClass) {
            this(name, envPrefix, configClass, List.of());
        }
    }

    /** The agents share io.thermocline.sampler.EnvOverrides, which passes kafka.* keys to the clients. */
    static final String AGENT_PASS_THROUGH = "io.thermocline.sampler.EnvOverrides#KAFKA_PREFIX";

    static final List<Service> SERVICES = List.of(
            new Service("hotness", "TC_HOTNESS_", "io.thermocline.hotness.HotnessConfig"),
            new Service("sampler", "TC_SAMPLER_", "io.thermocline.sampler.SamplerConfig", List.of(AGENT_PASS_THROUGH)),
            new Service("migrator", "TC_MIGRATOR_", "io.thermocline.migrator.MigratorConfig",
                    List.of(AGENT_PASS_THROUGH)));

    /** Variables any Thermocline container may have besides its services' own. */
    static final Set<String> GENERIC_ENV = Set.of("POD_NAME", "POD_NAMESPACE", "NODE_NAME", "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS", "TZ");

    /** Env suffix of the Kafka client pass-through ({@code TC_X_KAFKA_SASL_MECHANISM -> sasl.mechanism}). */
    static final String KAFKA_PASS_THROUGH = "KAFKA_";
    /** Static String field naming the pass-through key prefix in a config class (e.g. "kafka."). */
    static final String KAFKA_PREFIX_FIELD = "KAFKA_CLIENT_PREFIX";

    /** What a check found. */
    static final class Report {
        final List<String> errors = new ArrayList<>();
        final List<String> pending = new ArrayList<>();
        final List<String> checked = new ArrayList<>();
    }

    private ServiceConfigs() {
    }

    /**
     * @param where  file and service/container, for messages
     * @param env    variable name to literal value, or to null when the value comes from elsewhere
     *               (valueFrom, interpolation)
     */
    /**
     * @param requiredFor services whose required keys (no default) must all be set: those whose own image
     *                    runs in the container; a launcher (the CLI's emulated fleet) supplies some itself
     */
    static Report check(String where, Map<String, String> env, Set<String> requiredFor) {
        return checkWith(SERVICES, where, env, requiredFor);
    }

    static Report checkWith(List<Service> services, String where, Map<String, String> env, Set<String> requiredFor) {
        Report report = new Report();
        Map<Service, Map<String, String>> byService = new TreeMap<>((a, b) -> a.name().compareTo(b.name()));
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            Optional<Service> service = services.stream().filter(s -> name.startsWith(s.envPrefix())).findFirst();
            if (service.isPresent()) {
                byService.computeIfAbsent(service.get(), s -> new TreeMap<>()).put(name, e.getValue());
            } else if (!GENERIC_ENV.contains(name)) {
                report.errors.add(where + ": " + name + " belongs to no service (prefixes "
                        + services.stream().map(Service::envPrefix).toList() + ", or one of " + GENERIC_ENV + ")");
            }
        }
        byService.forEach((service, vars) -> checkService(where, service, vars,
                requiredFor.contains(service.name()), report));
        return report;
    }

    private static void checkService(String where, Service service, Map<String, String> vars, boolean required,
                                     Report report) {
        Class<?> type;
        try {
            type = Class.forName(service.configClass());
        } catch (ClassNotFoundException e) {
            report.pending.add(where + ": " + service.configClass() + " does not exist yet; "
                    + vars.keySet() + " unchecked");
            return;
        }
        ConfigDef def = configDef(type);
        if (def == null) {
            report.errors.add(where + ": " + type.getName() + " has no static ConfigDef field or method");
            return;
        }
        String declaredPrefix = staticString(type, "ENV_PREFIX");
        if (declaredPrefix != null && !declaredPrefix.equals(service.envPrefix())) {
            report.errors.add(where + ": " + type.getName() + ".ENV_PREFIX is " + declaredPrefix + ", files use "
                    + service.envPrefix());
            return;
        }
        Map<String, String> envToKey = new TreeMap<>();
        for (String key : def.names()) {
            envToKey.put(envName(type, service, key), key);
        }
        String kafkaPrefix = staticString(type, KAFKA_PREFIX_FIELD);
        for (String marker : service.passThroughMarkers()) {
            if (kafkaPrefix == null) {
                kafkaPrefix = staticString(marker.substring(0, marker.indexOf('#')), marker.substring(marker.indexOf('#') + 1));
            }
        }
        for (Map.Entry<String, String> v : vars.entrySet()) {
            String var = v.getKey();
            String key = envToKey.get(var);
            if (key != null) {
                validateValue(where, var, def.configKeys().get(key), v.getValue(), report);
                report.checked.add(var + " -> " + key);
            } else if (var.startsWith(service.envPrefix() + KAFKA_PASS_THROUGH)) {
                if (kafkaPrefix == null) {
                    report.pending.add(where + ": " + var + " needs Kafka client pass-through in " + type.getName()
                            + " (a static " + KAFKA_PREFIX_FIELD + " and the " + service.envPrefix()
                            + KAFKA_PASS_THROUGH + "* mapping)");
                } else {
                    report.checked.add(var + " -> client " + var.substring((service.envPrefix()
                            + KAFKA_PASS_THROUGH).length()).toLowerCase(Locale.ROOT).replace('_', '.'));
                }
            } else {
                report.errors.add(where + ": " + var + " is not a key of " + type.getName() + " (known: "
                        + envToKey.keySet() + ")");
            }
        }
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
            if (required && !k.hasDefault() && !vars.containsKey(envName(type, service, k.name))) {
                report.errors.add(where + ": required key " + k.name + " (" + envName(type, service, k.name)
                        + ") is not set");
            }
        }
    }

    private static void validateValue(String where, String var, ConfigDef.ConfigKey key, String value, Report report) {
        if (value == null || value.contains("$(") || value.contains("${")) {
            return;
        }
        try {
            Object parsed = ConfigDef.parseType(key.name, value, key.type);
            if (key.validator != null) {
                key.validator.ensureValid(key.name, parsed);
            }
        } catch (ConfigException e) {
            report.errors.add(where + ": " + var + "=" + value + " is invalid: " + e.getMessage());
        }
    }

    static String envName(Class<?> type, Service service, String key) {
        try {
            Method m = type.getMethod("envName", String.class);
            if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == String.class) {
                return (String) m.invoke(null, key);
            }
        } catch (ReflectiveOperationException e) {
            // no envName(String): the documented default mapping below
        }
        return service.envPrefix() + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static ConfigDef configDef(Class<?> type) {
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigDef.class.isAssignableFrom(f.getType())) {
                try {
                    return (ConfigDef) f.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
                    && ConfigDef.class.isAssignableFrom(m.getReturnType())) {
                try {
                    return (ConfigDef) m.invoke(null);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(type.getName() + "." + m.getName() + "() failed", e);
                }
            }
        }
        return null;
    }

    private static String staticString(String className, String field) {
        try {
            return staticString(Class.forName(className), field);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static String staticString(Class<?> type, String field) {
        try {
            Field f = type.getField(field);
            return Modifier.isStatic(f.getModifiers()) && f.getType() == String.class ? (String) f.get(null) : null;
        } catch (NoSuchFieldException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
