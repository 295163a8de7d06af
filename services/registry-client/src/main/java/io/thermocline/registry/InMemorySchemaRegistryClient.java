package io.thermocline.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * An in-memory registry with the semantics of the real one, for unit tests: global ids (the same
 * schema gets the same id in every subject), versions per subject from 1, compatibility levels
 * (global default BACKWARD) enforced on register with Avro's {@link SchemaCompatibility}.
 *
 * <p>Instances are independent; {@link #forScope(String)} returns a shared instance per name,
 * which is what a {@code mock://NAME} registry URL selects.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
  private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

  private record Version(int version, int id, Schema schema) {}

  private final Map<String, List<Version>> subjects = new LinkedHashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int nextId = 1;

  /** The shared registry named {@code scope} (created on first use). */
  public static InMemorySchemaRegistryClient forScope(String scope) {
    return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
  }

  /** Forgets the shared registry named {@code scope}. */
  public static void dropScope(String scope) {
    SCOPES.remove(scope);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Version> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    for (Version v : versions) {
      if (v.schema().equals(schema)) {
        return v.id();
      }
    }
    CompatibilityResult check = check(subject, versions, schema);
    if (!check.compatible()) {
      if (versions.isEmpty()) {
        subjects.remove(subject);
      }
      throw new IncompatibleSchemaException("Schema being registered is incompatible with an earlier schema for subject \""
          + subject + "\": " + check.messages(), ErrorCodes.INCOMPATIBLE_SCHEMA);
    }
    int id = idsBySchema.computeIfAbsent(schema, s -> nextId++);
    schemasById.putIfAbsent(id, schema);
    int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
    versions.add(new Version(version, id, schema));
    return id;
  }

  @Override
  public synchronized SchemaMetadata lookup(String subject, Schema schema) {
    for (Version v : versions(subject)) {
      if (v.schema().equals(schema)) {
        return new SchemaMetadata(subject, v.id(), v.version(), v.schema());
      }
    }
    throw new SchemaNotFoundException("Schema not found under subject " + subject, ErrorCodes.SCHEMA_NOT_FOUND);
  }

  @Override
  public synchronized Schema getSchemaById(int id) {
    Schema s = schemasById.get(id);
    if (s == null) {
      throw new SchemaNotFoundException("Schema " + id + " not found", ErrorCodes.SCHEMA_NOT_FOUND);
    }
    return s;
  }

  @Override
  public synchronized SchemaMetadata getLatest(String subject) {
    List<Version> vs = versions(subject);
    Version v = vs.get(vs.size() - 1);
    return new SchemaMetadata(subject, v.id(), v.version(), v.schema());
  }

  @Override
  public synchronized SchemaMetadata getVersion(String subject, int version) {
    for (Version v : versions(subject)) {
      if (v.version() == version) {
        return new SchemaMetadata(subject, v.id(), v.version(), v.schema());
      }
    }
    throw new VersionNotFoundException("Version " + version + " not found under subject " + subject,
        ErrorCodes.VERSION_NOT_FOUND);
  }

  @Override
  public synchronized List<Integer> getAllVersions(String subject) {
    return versions(subject).stream().map(Version::version).toList();
  }

  @Override
  public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
    return check(subject, subjects.getOrDefault(subject, List.of()), schema);
  }

  @Override
  public synchronized CompatibilityLevel getCompatibility(String subject) {
    return subject == null ? globalLevel : subjectLevels.getOrDefault(subject, globalLevel);
  }

  @Override
  public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
    if (subject == null) {
      globalLevel = level;
    } else {
      subjectLevels.put(subject, level);
    }
  }

  @Override
  public synchronized List<String> listSubjects() {
    return List.copyOf(subjects.keySet());
  }

  @Override
  public synchronized List<Integer> deleteSubject(String subject) {
    List<Integer> deleted = getAllVersions(subject);
    subjects.remove(subject);
    subjectLevels.remove(subject);
    return deleted;
  }

  @Override
  public String toString() {
    return "InMemorySchemaRegistryClient";
  }

  private List<Version> versions(String subject) {
    List<Version> vs = subjects.get(subject);
    if (vs == null || vs.isEmpty()) {
      throw new SubjectNotFoundException("Subject '" + subject + "' not found.", ErrorCodes.SUBJECT_NOT_FOUND);
    }
    return vs;
  }

  private CompatibilityResult check(String subject, List<Version> versions, Schema candidate) {
    CompatibilityLevel level = getCompatibility(subject);
    if (versions.isEmpty() || level == CompatibilityLevel.NONE) {
      return CompatibilityResult.ok();
    }
    List<Version> against = level.transitive ? versions : versions.subList(versions.size() - 1, versions.size());
    List<String> messages = new ArrayList<>();
    for (Version old : against) {
      if (level.backward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old.schema()), "reading version " + old.version(), messages);
      }
      if (level.forward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), candidate), "read by version " + old.version(), messages);
      }
    }
    return new CompatibilityResult(messages.isEmpty(), messages);
  }

  private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String context, List<String> out) {
    if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility i : pair.getResult().getIncompatibilities()) {
      out.add("{errorType:'" + i.getType() + "', location:'" + i.getLocation() + "', description:'" + i.getMessage()
          + "', context:'" + context + "'}");
    }
  }
}
