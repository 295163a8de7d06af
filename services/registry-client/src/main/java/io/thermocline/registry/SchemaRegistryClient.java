package io.thermocline.registry;

import java.io.Closeable;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Client of a Confluent-compatible schema registry (Avro schemas only).
 *
 * <p>All methods throw unchecked {@link SchemaRegistryException}s; not-found conditions throw the
 * specific subclasses ({@link SubjectNotFoundException}, {@link VersionNotFoundException},
 * {@link SchemaNotFoundException}), a rejected registration {@link IncompatibleSchemaException}
 * (HTTP 409) or {@link InvalidSchemaException} (HTTP 422). Implementations are thread-safe.
 */
public interface SchemaRegistryClient extends Closeable {

  /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
  int register(String subject, Schema schema);

  /**
   * Looks up {@code schema} under {@code subject} without registering it.
   *
   * @throws SubjectNotFoundException if the subject does not exist
   * @throws SchemaNotFoundException if the subject exists but does not hold the schema (Apicurio
   *     answers "subject not found" here too: catch {@link NotFoundException} to cover both)
   */
  SchemaMetadata lookup(String subject, Schema schema);

  /** The global id of {@code schema} under {@code subject}; see {@link #lookup}. */
  default int getId(String subject, Schema schema) {
    return lookup(subject, schema).id();
  }

  /** The version number of {@code schema} under {@code subject}; see {@link #lookup}. */
  default int getVersion(String subject, Schema schema) {
    return lookup(subject, schema).version();
  }

  /** The schema with global id {@code id}; {@link SchemaNotFoundException} if there is none. */
  Schema getSchemaById(int id);

  /** The latest version registered under {@code subject}. */
  SchemaMetadata getLatest(String subject);

  /** Version {@code version} of {@code subject}. */
  SchemaMetadata getVersion(String subject, int version);

  /** All version numbers of {@code subject}, ascending. */
  List<Integer> getAllVersions(String subject);

  /**
   * Tests {@code schema} against the subject's compatibility level (against the latest version,
   * or all versions for the transitive levels). A subject with no versions is compatible.
   */
  CompatibilityResult testCompatibility(String subject, Schema schema);

  /** The compatibility level of {@code subject}, falling back to the global level when unset. */
  CompatibilityLevel getCompatibility(String subject);

  /** The global compatibility level. */
  default CompatibilityLevel getGlobalCompatibility() {
    return getCompatibility(null);
  }

  /** Sets the compatibility level of {@code subject}, or the global level when it is null. */
  void setCompatibility(String subject, CompatibilityLevel level);

  /** All (not deleted) subjects. */
  List<String> listSubjects();

  /** Deletes every version of {@code subject}; returns the deleted version numbers. */
  List<Integer> deleteSubject(String subject);

  @Override
  default void close() {}
}
