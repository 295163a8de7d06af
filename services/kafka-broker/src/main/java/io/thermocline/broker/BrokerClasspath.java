package io.thermocline.broker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The child broker JVM's classpath. At build time maven-dependency-plugin writes the absolute
 * local-repository paths of kafka_2.13 and its dependencies (plus the slf4j-to-log4j2 binding)
 * into the resource {@value #RESOURCE}; the system property {@value #OVERRIDE_PROPERTY} or the
 * environment variable {@value #OVERRIDE_ENV} replaces it (a path-separator list).
 */
public final class BrokerClasspath {

    public static final String RESOURCE = "broker-classpath.txt";
    public static final String OVERRIDE_PROPERTY = "thermocline.broker.classpath";
    public static final String OVERRIDE_ENV = "THERMOCLINE_BROKER_CLASSPATH";

    private BrokerClasspath() {
    }

    /** The classpath entries, de-duplicated, each checked to exist. */
    public static List<Path> resolve() throws IOException {
        String raw = System.getProperty(OVERRIDE_PROPERTY);
        String source = "system property " + OVERRIDE_PROPERTY;
        if (raw == null || raw.isBlank()) {
            raw = System.getenv(OVERRIDE_ENV);
            source = "environment variable " + OVERRIDE_ENV;
        }
        if (raw == null || raw.isBlank()) {
            raw = readResource();
            source = "resource " + RESOURCE + " (written when thermocline-kafka-broker was built)";
        }
        return parse(raw, source);
    }

    static List<Path> parse(String raw, String source) throws IOException {
        Set<Path> entries = new LinkedHashSet<>();
        for (String part : raw.trim().split("[" + File.pathSeparator + "\n\r]+")) {
            if (!part.isBlank()) {
                entries.add(Path.of(part.trim()));
            }
        }
        List<Path> missing = new ArrayList<>();
        for (Path p : entries) {
            if (!Files.exists(p)) {
                missing.add(p);
            }
        }
        if (entries.isEmpty()) {
            throw new IOException("empty Kafka broker classpath from " + source);
        }
        if (!missing.isEmpty()) {
            throw new IOException("Kafka broker classpath from " + source + " names " + missing.size()
                    + " missing file(s), e.g. " + missing.get(0)
                    + "; rebuild with './mvnw -pl services/kafka-broker install' to fetch them");
        }
        return List.copyOf(entries);
    }

    private static String readResource() throws IOException {
        try (InputStream in = BrokerClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " not found next to " + BrokerClasspath.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** As one {@code -cp} argument. */
    public static String join(List<Path> entries) {
        StringBuilder sb = new StringBuilder();
        for (Path p : entries) {
            if (sb.length() > 0) {
                sb.append(File.pathSeparatorChar);
            }
            sb.append(p);
        }
        return sb.toString();
    }
}
