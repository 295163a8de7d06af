package io.thermocline.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * BACKWARD compatibility: a consumer built with the current schemas must read data written with
 * every released version (current schema as reader, released schema as writer).
 */
class SchemaCompatibilityTest {

    private static final Path RELEASED = Path.of("released");

    static List<Path> releases() throws IOException {
        try (Stream<Path> dirs = Files.list(RELEASED)) {
            return dirs.filter(Files::isDirectory).sorted(Comparator.naturalOrder()).toList();
        }
    }

    @Test
    void everyCurrentSchemaReadsEveryReleasedVersion() throws IOException {
        List<Path> releases = releases();
        assertFalse(releases.isEmpty(), "no released schema snapshot under " + RELEASED.toAbsolutePath());
        List<String> failures = new ArrayList<>();
        for (Path release : releases) {
            for (var type : ThermoclineSchemas.RECORDS) {
                Schema current = ThermoclineSchemas.schemaOf(type);
                Path file = release.resolve(ThermoclineSchemas.snapshotFileName(current));
                if (!Files.exists(file)) {
                    continue; // record added after that release
                }
                Schema released = new Schema.Parser().parse(file.toFile());
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
                if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                    failures.add(release.getFileName() + "/" + current.getFullName() + ": "
                            + result.getResult().getIncompatibilities());
                }
            }
        }
        assertTrue(failures.isEmpty(), "BACKWARD-incompatible schema changes: " + failures);
    }

    @Test
    void latestReleaseCoversEveryRecord() throws IOException {
        List<Path> releases = releases();
        Path latest = releases.get(releases.size() - 1);
        for (var type : ThermoclineSchemas.RECORDS) {
            Schema current = ThermoclineSchemas.schemaOf(type);
            assertTrue(Files.exists(latest.resolve(ThermoclineSchemas.snapshotFileName(current))),
                    current.getFullName() + " missing from " + latest + ": snapshot it with ThermoclineSchemas");
        }
    }

    @Test
    void theCheckRejectsABreakingChange() {
        Schema current = ThermoclineSchemas.schemaOf(io.thermocline.avro.telemetry.PfnMove.class);
        // a new required field without default cannot be filled in when reading old data
        String broken = current.toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"mandatoryNew\",\"type\":\"long\"},");
        Schema reader = new Schema.Parser().parse(broken);
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, current);
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE, result.getType());
    }

    @Test
    void everyRecordAndFieldIsDocumented() {
        List<String> undocumented = new ArrayList<>();
        for (var type : ThermoclineSchemas.RECORDS) {
            collectUndocumented(ThermoclineSchemas.schemaOf(type), undocumented, new ArrayList<>());
        }
        assertTrue(undocumented.isEmpty(), "missing doc: " + undocumented);
    }

    @Test
    void recordsAreDistinct() {
        assertNotEquals(0, ThermoclineSchemas.RECORDS.size());
        assertEquals(ThermoclineSchemas.RECORDS.size(), ThermoclineSchemas.RECORDS.stream().distinct().count());
    }

    private static void collectUndocumented(Schema schema, List<String> out, List<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.contains(schema.getFullName())) {
                    return;
                }
                seen.add(schema.getFullName());
                if (schema.getDoc() == null || schema.getDoc().isBlank()) {
                    out.add(schema.getFullName());
                }
                for (Schema.Field f : schema.getFields()) {
                    if (f.doc() == null || f.doc().isBlank()) {
                        out.add(schema.getFullName() + "." + f.name());
                    }
                    collectUndocumented(f.schema(), out, seen);
                }
            }
            case ENUM -> {
                if (schema.getDoc() == null || schema.getDoc().isBlank()) {
                    out.add(schema.getFullName());
                }
            }
            case ARRAY -> collectUndocumented(schema.getElementType(), out, seen);
            case MAP -> collectUndocumented(schema.getValueType(), out, seen);
            case UNION -> schema.getTypes().forEach(s -> collectUndocumented(s, out, seen));
            default -> {
            }
        }
    }
}
