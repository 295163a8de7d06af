package io.thermocline.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {
  private static final Schema V1 = SchemaBuilder.record("R").namespace("t").fields().requiredLong("a").endRecord();
  private static final Schema V2_DEFAULT = SchemaBuilder.record("R").namespace("t").fields()
      .requiredLong("a").name("b").type().intType().intDefault(0).endRecord();
  private static final Schema V2_NO_DEFAULT = SchemaBuilder.record("R").namespace("t").fields()
      .requiredLong("a").requiredInt("b").endRecord();

  private final InMemorySchemaRegistryClient reg = new InMemorySchemaRegistryClient();

  @Test
  void globalIdsAndVersions() {
    int id1 = reg.register("x-value", V1);
    assertEquals(id1, reg.register("x-value", V1)); // idempotent
    assertEquals(id1, reg.register("y-value", V1)); // same schema, same global id
    int id2 = reg.register("x-value", V2_DEFAULT);
    assertTrue(id2 != id1);
    assertEquals(2, reg.getLatest("x-value").version());
    assertEquals(V1, reg.getVersion("x-value", 1).schema());
    assertEquals(V2_DEFAULT, reg.getSchemaById(id2));
    assertEquals(new SchemaMetadata("x-value", id2, 2, V2_DEFAULT), reg.lookup("x-value", V2_DEFAULT));
    assertEquals(List.of(1, 2), reg.getAllVersions("x-value"));
    assertEquals(List.of("x-value", "y-value"), reg.listSubjects());
  }

  @Test
  void backwardCompatibilityEnforced() {
    reg.register("x-value", V1);
    CompatibilityResult r = reg.testCompatibility("x-value", V2_NO_DEFAULT);
    assertFalse(r.compatible());
    assertTrue(r.messages().get(0).contains("READER_FIELD_MISSING_DEFAULT_VALUE"), r.messages().toString());
    assertThrows(IncompatibleSchemaException.class, () -> reg.register("x-value", V2_NO_DEFAULT));
    assertTrue(reg.testCompatibility("x-value", V2_DEFAULT).compatible());
    reg.setCompatibility("x-value", CompatibilityLevel.NONE);
    assertEquals(CompatibilityLevel.NONE, reg.getCompatibility("x-value"));
    assertEquals(CompatibilityLevel.BACKWARD, reg.getGlobalCompatibility());
    reg.register("x-value", V2_NO_DEFAULT);
  }

  @Test
  void forwardCompatibility() {
    reg.setCompatibility(null, CompatibilityLevel.FORWARD);
    reg.register("x-value", V2_NO_DEFAULT);
    // old schema (with required b) cannot read data lacking b: removing b is not forward compatible
    assertFalse(reg.testCompatibility("x-value", V1).compatible());
  }

  @Test
  void notFound() {
    assertThrows(SubjectNotFoundException.class, () -> reg.getLatest("nope"));
    assertThrows(SchemaNotFoundException.class, () -> reg.getSchemaById(77));
    reg.register("x-value", V1);
    assertThrows(SchemaNotFoundException.class, () -> reg.lookup("x-value", V2_DEFAULT));
    assertThrows(VersionNotFoundException.class, () -> reg.getVersion("x-value", 5));
    assertEquals(List.of(1), reg.deleteSubject("x-value"));
    assertThrows(SubjectNotFoundException.class, () -> reg.lookup("x-value", V1));
  }
}
