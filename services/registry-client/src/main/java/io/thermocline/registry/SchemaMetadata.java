package io.thermocline.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/** One registered version of a subject: global id, version number within the subject, schema. */
public record SchemaMetadata(String subject, int id, int version, Schema schema) {
  public SchemaMetadata {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
