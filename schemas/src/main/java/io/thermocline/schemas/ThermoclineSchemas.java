package io.thermocline.schemas;

import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.dlq.DeadLetter;
import io.thermocline.avro.keys.DeadLetterKey;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Every top-level record Thermocline writes to Kafka, and the released-schema snapshot tool. */
public final class ThermoclineSchemas {

    /** Top-level records (values and keys) that are registered under a subject. */
    public static final List<Class<? extends SpecificRecord>> RECORDS = List.of(
            PageAccessBatch.class, PageOwner.class, NodeStats.class, PolicyPin.class,
            MigrationDecision.class, MigrationResult.class, PfnMove.class, DeadLetter.class,
            HostKey.class, PfnBlockKey.class, PfnKey.class, NodeKey.class, PinKey.class,
            DeadLetterKey.class);

    private ThermoclineSchemas() {
    }

    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }

    /** File name of a record's self-contained schema in a release snapshot directory. */
    public static String snapshotFileName(Schema schema) {
        return schema.getFullName() + ".avsc";
    }

    /**
     * Writes the current schemas, fully resolved, to {@code dir}: run when cutting a release so the
     * compatibility test checks later changes against it.
     */
    public static void writeSnapshot(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Class<? extends SpecificRecord> type : RECORDS) {
            Schema schema = schemaOf(type);
            Files.writeString(dir.resolve(snapshotFileName(schema)), org.apache.avro.SchemaFormatter.format("json/pretty", schema) + "\n",
                    StandardCharsets.UTF_8);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ThermoclineSchemas <snapshot-dir>   (e.g. schemas/released/v2)");
            System.exit(2);
        }
        writeSnapshot(Path.of(args[0]));
        System.out.println("wrote " + RECORDS.size() + " schemas to " + args[0]);
    }
}
