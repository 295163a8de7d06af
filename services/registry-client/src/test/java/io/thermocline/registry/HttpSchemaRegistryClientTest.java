package io.thermocline.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/apis/ccompat/v7";
  private static final Schema SCHEMA = SchemaBuilder.record("Sample").namespace("io.thermocline.test")
      .fields().requiredLong("pfn").requiredInt("count").endRecord();
  private static final String SUBJECT = "tc.page-access-value";

  private ScriptedHttpServer server;
  private HttpSchemaRegistryClient client;

  @BeforeEach
  void start() throws IOException {
    server = new ScriptedHttpServer(PREFIX);
    client = HttpSchemaRegistryClient.builder().url(server.url() + "/").retries(2, 1, 5)
        .requestTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void registerPostsSchemaWithContentTypeUnderBasePathAndCaches() throws IOException {
    server.respond(200, "{\"id\":42}");
    assertEquals(42, client.register(SUBJECT, SCHEMA));
    ScriptedHttpServer.Request r = server.last();
    assertEquals("POST", r.method());
    assertEquals(PREFIX + "/subjects/tc.page-access-value/versions", r.path());
    assertEquals(HttpSchemaRegistryClient.CONTENT_TYPE, r.headers().get("Content-Type"));
    assertTrue(r.headers().get("Accept").startsWith(HttpSchemaRegistryClient.CONTENT_TYPE));
    assertNull(r.headers().get("Authorization"));
    JsonNode body = JSON.readTree(r.body());
    assertEquals(SCHEMA, new Schema.Parser().parse(body.get("schema").asText()));

    // cached: no further HTTP call for register, getId or getSchemaById
    assertEquals(42, client.register(SUBJECT, SCHEMA));
    assertEquals(42, client.getId(SUBJECT, SCHEMA));
    assertEquals(SCHEMA, client.getSchemaById(42));
    assertEquals(1, server.requests().size());
  }

  @Test
  void lookupReturnsIdAndVersionAndIsCached() {
    server.respond(200, "{\"subject\":\"" + SUBJECT + "\",\"id\":7,\"version\":3,\"schema\":"
        + JSON.valueToTree(SCHEMA.toString()) + "}");
    SchemaMetadata m = client.lookup(SUBJECT, SCHEMA);
    assertEquals(7, m.id());
    assertEquals(3, m.version());
    assertEquals(PREFIX + "/subjects/tc.page-access-value", server.last().path());
    assertEquals(3, client.getVersion(SUBJECT, SCHEMA));
    assertEquals(7, client.getId(SUBJECT, SCHEMA));
    assertEquals(1, server.requests().size());
  }

  @Test
  void getSchemaByIdParsesAndSecondCallIsCached() {
    server.respond(200, "{\"schema\":" + JSON.valueToTree(SCHEMA.toString()) + "}");
    assertEquals(SCHEMA, client.getSchemaById(5));
    assertEquals(SCHEMA, client.getSchemaById(5));
    assertEquals(1, server.requests().size());
    assertEquals("GET", server.last().method());
    assertEquals(PREFIX + "/schemas/ids/5", server.last().path());
  }

  @Test
  void notFoundMapsByErrorCodeWithRegistryMessage() {
    server.respond(404, "{\"error_code\":40401,\"message\":\"Subject 'x-value' not found.\"}");
    SubjectNotFoundException e = assertThrows(SubjectNotFoundException.class, () -> client.getLatest("x-value"));
    assertEquals(40401, e.errorCode());
    assertEquals(404, e.status());
    assertTrue(e.getMessage().contains("Subject 'x-value' not found."), e.getMessage());
    assertTrue(e.getMessage().contains("/subjects/x-value/versions/latest"), e.getMessage());

    server.respond(404, "{\"error_code\":40402,\"message\":\"Version 9 not found.\"}");
    assertEquals(40402, assertThrows(VersionNotFoundException.class, () -> client.getVersion("x-value", 9)).errorCode());

    server.respond(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
    assertThrows(SchemaNotFoundException.class, () -> client.getSchemaById(99));

    // a 404 without an error code falls back to what the call was about
    server.respond(404, "not json");
    assertThrows(SchemaNotFoundException.class, () -> client.getSchemaById(98));
    assertEquals(4, server.requests().size()); // 4xx never retried
  }

  @Test
  void apicurioDialectIsNormalised() {
    // Apicurio answers a missing subject's "latest" with 40402 and explains incompatibility in "reason"
    server.respond(404, "{\"message\":\"No version 'latest' found for artifact with ID 'x'\",\"error_code\":40402}");
    assertThrows(SubjectNotFoundException.class, () -> client.getLatest("x"));
    server.respond(200, "{\"is_compatible\":false,\"reason\":\"Incompatible artifact: b at /fields/1\"}");
    CompatibilityResult r = client.testCompatibility(SUBJECT, SCHEMA);
    assertFalse(r.compatible());
    assertEquals(List.of("Incompatible artifact: b at /fields/1"), r.messages());
  }

  @Test
  void conflictAndUnprocessableMapToSpecificExceptions() {
    server.respond(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
    IncompatibleSchemaException inc = assertThrows(IncompatibleSchemaException.class, () -> client.register(SUBJECT, SCHEMA));
    assertEquals(409, inc.errorCode());
    server.respond(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
    InvalidSchemaException inv = assertThrows(InvalidSchemaException.class, () -> client.register(SUBJECT, SCHEMA));
    assertEquals(42201, inv.errorCode());
    assertTrue(inv.getMessage().contains("Invalid schema"));
  }

  @Test
  void serverErrorsAreRetriedWithBackoffThenSucceed() {
    server.respond(503, "{\"error_code\":50003,\"message\":\"forwarding\"}").respond(500, "boom").respond(200, "[\"a-value\",\"b-key\"]");
    assertEquals(List.of("a-value", "b-key"), client.listSubjects());
    assertEquals(3, server.requests().size());
  }

  @Test
  void serverErrorsExhaustRetriesThenThrow() {
    server.respond(500, "{\"error_code\":50001,\"message\":\"store error\"}")
        .respond(500, "{\"error_code\":50001,\"message\":\"store error\"}")
        .respond(500, "{\"error_code\":50001,\"message\":\"store error\"}")
        .respond(200, "[]");
    SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.listSubjects());
    assertEquals(500, e.status());
    assertEquals(50001, e.errorCode());
    assertTrue(e.getMessage().contains("store error"), e.getMessage());
    assertEquals(3, server.requests().size()); // 1 try + 2 retries
  }

  @Test
  void failsOverToTheNextUrlWhenOneIsDown() throws IOException {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    HttpSchemaRegistryClient c = HttpSchemaRegistryClient.builder()
        .urls(List.of("http://127.0.0.1:" + deadPort + PREFIX, server.url())).retries(0, 1, 1).build();
    server.respond(200, "{\"compatibilityLevel\":\"FULL\"}").respond(200, "{\"compatibilityLevel\":\"NONE\"}");
    assertEquals(CompatibilityLevel.FULL, c.getGlobalCompatibility());
    // the working URL is now preferred: the second call goes straight to it
    assertEquals(CompatibilityLevel.NONE, c.getGlobalCompatibility());
    assertEquals(2, server.requests().size());
  }

  @Test
  void allUrlsDownGivesRegistryException() throws IOException {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    HttpSchemaRegistryClient c = HttpSchemaRegistryClient.builder().url("http://127.0.0.1:" + deadPort).retries(1, 1, 1).build();
    SchemaRegistryException e = assertThrows(SchemaRegistryException.class, c::listSubjects);
    assertTrue(e.getMessage().contains("after 2 round(s)"), e.getMessage());
  }

  @Test
  void compatibilityCallsUseConfluentPathsAndBodies() throws IOException {
    server.respond(200, "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE\"]}");
    CompatibilityResult r = client.testCompatibility(SUBJECT, SCHEMA);
    assertFalse(r.compatible());
    assertEquals(List.of("READER_FIELD_MISSING_DEFAULT_VALUE"), r.messages());
    assertEquals(PREFIX + "/compatibility/subjects/tc.page-access-value/versions/latest", server.last().path());
    assertEquals("verbose=true", server.last().query());

    server.respond(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
    assertTrue(client.testCompatibility("new-value", SCHEMA).compatible());

    server.respond(200, "{\"compatibility\":\"FORWARD\"}");
    client.setCompatibility(SUBJECT, CompatibilityLevel.FORWARD);
    assertEquals("PUT", server.last().method());
    assertEquals(PREFIX + "/config/tc.page-access-value", server.last().path());
    assertEquals("FORWARD", JSON.readTree(server.last().body()).get("compatibility").asText());

    server.respond(200, "{\"compatibilityLevel\":\"FORWARD\"}");
    assertEquals(CompatibilityLevel.FORWARD, client.getCompatibility(SUBJECT));
    assertEquals("defaultToGlobal=true", server.last().query());

    // registry without subject config and without defaultToGlobal: fall back to the global level
    server.respond(404, "{\"error_code\":40408,\"message\":\"Subject does not have subject-level compatibility configured\"}")
        .respond(200, "{\"compatibilityLevel\":\"BACKWARD\"}");
    assertEquals(CompatibilityLevel.BACKWARD, client.getCompatibility("other-value"));
    assertEquals(PREFIX + "/config", server.last().path());
  }

  @Test
  void deleteSubjectInvalidatesItsCacheEntries() {
    server.respond(200, "{\"id\":3}").respond(200, "[1]").respond(200, "{\"id\":4}");
    assertEquals(3, client.register(SUBJECT, SCHEMA));
    assertEquals(List.of(1), client.deleteSubject(SUBJECT));
    assertEquals("DELETE", server.last().method());
    assertEquals(4, client.register(SUBJECT, SCHEMA));
    assertEquals(3, server.requests().size());
  }

  @Test
  void subjectsAreEncodedAsPathSegments() {
    server.respond(200, "[1,2]");
    assertEquals(List.of(1, 2), client.getAllVersions("a b/c"));
    assertEquals(PREFIX + "/subjects/a%20b%2Fc/versions", server.last().path());
  }

  @Test
  void basicAuthFromUserInfoAndMaskedInToString() {
    HttpSchemaRegistryClient c = HttpSchemaRegistryClient.builder().url(server.url()).basicAuth("alice:s3cret").build();
    server.respond(200, "[]");
    c.listSubjects();
    String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, server.last().headers().get("Authorization"));
    assertFalse(c.toString().contains("s3cret"), c.toString());
    assertTrue(c.toString().contains("auth=basic"));
  }

  @Test
  void basicAuthFromUrlUserInfoIsStrippedFromUrl() {
    String url = server.url().replace("http://", "http://bob:pw%40x@");
    HttpSchemaRegistryClient c = HttpSchemaRegistryClient.create(new RegistryClientConfig(Map.of(
        RegistryClientConfig.SCHEMA_REGISTRY_URL, url)));
    server.respond(200, "[]");
    c.listSubjects();
    String expected = "Basic " + Base64.getEncoder().encodeToString("bob:pw@x".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, server.last().headers().get("Authorization"));
    assertFalse(c.toString().contains("pw"), c.toString());
  }

  @Test
  void bearerTokenFromConfig() {
    RegistryClientConfig cfg = new RegistryClientConfig(Map.of(
        RegistryClientConfig.SCHEMA_REGISTRY_URL, server.url(),
        RegistryClientConfig.BEARER_AUTH_TOKEN, "tok-123"));
    assertFalse(cfg.toString().contains("tok-123"));
    HttpSchemaRegistryClient c = HttpSchemaRegistryClient.create(cfg);
    server.respond(200, "[]");
    c.listSubjects();
    assertEquals("Bearer tok-123", server.last().headers().get("Authorization"));
    assertTrue(c.toString().contains("auth=bearer"));
    assertFalse(c.toString().contains("tok-123"));
  }

  @Test
  void cacheIsBounded() {
    HttpSchemaRegistryClient c = HttpSchemaRegistryClient.builder().url(server.url()).cacheCapacity(1).build();
    String body = "{\"schema\":" + JSON.valueToTree(SCHEMA.toString()) + "}";
    server.respond(200, body).respond(200, body).respond(200, body);
    c.getSchemaById(1);
    c.getSchemaById(2); // evicts 1
    c.getSchemaById(1);
    assertEquals(3, server.requests().size());
  }

  @Test
  void requestTimeoutIsRetriedThenReported() throws IOException {
    try (ServerSocket silent = new ServerSocket(0)) { // accepts TCP, never answers HTTP
      HttpSchemaRegistryClient c = HttpSchemaRegistryClient.builder().url("http://127.0.0.1:" + silent.getLocalPort())
          .requestTimeout(Duration.ofMillis(200)).retries(0, 1, 1).build();
      SchemaRegistryException e = assertThrows(SchemaRegistryException.class, c::listSubjects);
      assertTrue(e.getMessage().toLowerCase().contains("timed out"), e.getMessage());
    }
  }
}
