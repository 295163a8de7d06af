package io.thermocline.registry;

import io.thermocline.cluster.RegistryServerProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client against the real registry (Apicurio 2.4.2.Final ccompat v7, built by
 * services/registry-server, started here as a child JVM on a free loopback port).
 */
class ApicurioRegistryIT {
  private static final Schema V1 = SchemaBuilder.record("ItRecord").namespace("io.thermocline.it").fields()
      .requiredString("host").requiredLong("pfn").endRecord();
  private static final Schema V2 = SchemaBuilder.record("ItRecord").namespace("io.thermocline.it").fields()
      .requiredString("host").requiredLong("pfn").name("count").type().intType().intDefault(0).endRecord();
  private static final Schema V2_BAD = SchemaBuilder.record("ItRecord").namespace("io.thermocline.it").fields()
      .requiredString("host").requiredLong("pfn").requiredInt("count").endRecord();

  private static RegistryServerProcess registry;
  private static String url;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = RegistryServerProcess.start(RegistryServerProcess.locateRunnerJar(),
        java.nio.file.Files.createTempDirectory("registry-it"));
    url = registry.url();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void clientApiAgainstTheRealRegistry() {
    HttpSchemaRegistryClient client = HttpSchemaRegistryClient.builder().url(url).retries(1, 100, 500).build();
    String subject = "it-" + System.nanoTime() + "-value";

    assertThrows(SubjectNotFoundException.class, () -> client.getLatest(subject));
    assertTrue(client.testCompatibility(subject, V1).compatible());

    int id1 = client.register(subject, V1);
    assertEquals(id1, client.getId(subject, V1));
    assertEquals(1, client.getVersion(subject, V1));
    HttpSchemaRegistryClient fresh = HttpSchemaRegistryClient.builder().url(url).build(); // no cache
    assertEquals(V1, fresh.getSchemaById(id1));
    assertEquals(id1, fresh.lookup(subject, V1).id());
    assertThrows(NotFoundException.class, () -> fresh.lookup(subject, V2)); // Apicurio: 40401, Confluent: 40403
    assertThrows(SchemaNotFoundException.class, () -> fresh.getSchemaById(987_654));

    client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
    assertEquals(CompatibilityLevel.BACKWARD, client.getCompatibility(subject));
    assertTrue(client.testCompatibility(subject, V2).compatible());
    CompatibilityResult bad = client.testCompatibility(subject, V2_BAD);
    assertFalse(bad.compatible());
    assertFalse(bad.messages().isEmpty());
    assertThrows(IncompatibleSchemaException.class, () -> client.register(subject, V2_BAD));

    int id2 = client.register(subject, V2);
    SchemaMetadata latest = fresh.getLatest(subject);
    assertEquals(id2, latest.id());
    assertEquals(2, latest.version());
    assertEquals(V2, latest.schema());
    assertEquals(V1, fresh.getVersion(subject, 1).schema());
    assertThrows(VersionNotFoundException.class, () -> fresh.getVersion(subject, 9));
    assertEquals(List.of(1, 2), fresh.getAllVersions(subject));
    assertTrue(fresh.listSubjects().contains(subject));

    assertEquals(List.of(1, 2), client.deleteSubject(subject));
    assertFalse(fresh.listSubjects().contains(subject));
  }
}
