package io.thermocline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Starts the real Apicurio registry and speaks the Confluent Schema Registry REST API to it with
 * plain HTTP: register, fetch by id, compatibility level and checks, and a refused registration.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryServerProcessIT {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String SUBJECT = "t-value";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    // Avro schemas as JSON string values (quotes escaped), the form the REST API carries them in
    private static final String V1 =
            "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"T\\\",\\\"namespace\\\":\\\"io.thermocline.it\\\","
            + "\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"}]}";
    /** Adds a field without a default: a reader of V2 cannot read V1 data, so not BACKWARD. */
    private static final String V2_INCOMPATIBLE =
            "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"T\\\",\\\"namespace\\\":\\\"io.thermocline.it\\\","
            + "\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"},"
            + "{\\\"name\\\":\\\"b\\\",\\\"type\\\":\\\"string\\\"}]}";
    /** The same field with a default: BACKWARD compatible. */
    private static final String V2_COMPATIBLE =
            "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"T\\\",\\\"namespace\\\":\\\"io.thermocline.it\\\","
            + "\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"},"
            + "{\\\"name\\\":\\\"b\\\",\\\"type\\\":\\\"string\\\",\\\"default\\\":\\\"x\\\"}]}";

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final Pattern SCHEMA = Pattern.compile("\"schema\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern IS_COMPATIBLE = Pattern.compile("\"is_compatible\"\\s*:\\s*(true|false)");

    private static RegistryServerProcess registry;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private static long schemaId = -1;

    @BeforeAll
    static void startRegistry() throws IOException {
        Path workDir = Files.createDirectories(Path.of("target", "registry-it"));
        registry = RegistryServerProcess.start(RegistryServerProcess.locateRunnerJar(), workDir);
        long rssKib = rssKib(registry.pid());
        // measured, not asserted: speed targets live in benchmarks
        System.out.printf("registry-server: started in %d ms, VmRSS %d MiB (pid %d, %s)%n",
                registry.startupTime().toMillis(), rssKib / 1024, registry.pid(), registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            long pid = registry.pid();
            registry.close();
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "registry child still alive after close()");
        }
    }

    @Test
    @Order(1)
    void listensOnLoopbackUnderTheCcompatPath() {
        assertTrue(registry.url().startsWith("http://127.0.0.1:"), registry.url());
        assertTrue(registry.url().endsWith("/apis/ccompat/v7"), registry.url());
        assertTrue(registry.isAlive());
    }

    @Test
    @Order(2)
    void setsBackwardCompatibility() throws Exception {
        HttpResponse<String> put = send("PUT", "/config", "{\"compatibility\":\"BACKWARD\"}");
        assertEquals(200, put.statusCode(), put.body());
        HttpResponse<String> get = send("GET", "/config", null);
        assertEquals(200, get.statusCode(), get.body());
        assertTrue(get.body().contains("BACKWARD"), get.body());
    }

    @Test
    @Order(3)
    void registersAnAvroSchemaAndFetchesItBackById() throws Exception {
        HttpResponse<String> post = send("POST", "/subjects/" + SUBJECT + "/versions", body(V1));
        assertEquals(200, post.statusCode(), post.body());
        schemaId = group(ID, post.body());

        // registering the same schema again is idempotent: same id
        HttpResponse<String> again = send("POST", "/subjects/" + SUBJECT + "/versions", body(V1));
        assertEquals(schemaId, group(ID, again.body()), again.body());

        HttpResponse<String> byId = send("GET", "/schemas/ids/" + schemaId, null);
        assertEquals(200, byId.statusCode(), byId.body());
        Matcher m = SCHEMA.matcher(byId.body());
        assertTrue(m.find(), byId.body());
        assertEquals(V1, m.group(1));

        HttpResponse<String> subjects = send("GET", "/subjects", null);
        assertTrue(subjects.body().contains("\"" + SUBJECT + "\""), subjects.body());

        HttpResponse<String> unknown = send("GET", "/schemas/ids/" + (schemaId + 1000), null);
        assertEquals(404, unknown.statusCode(), unknown.body());
    }

    @Test
    @Order(4)
    void compatibilityEndpointRefusesABackwardIncompatibleChange() throws Exception {
        String path = "/compatibility/subjects/" + SUBJECT + "/versions/latest";
        HttpResponse<String> bad = send("POST", path, body(V2_INCOMPATIBLE));
        assertEquals(200, bad.statusCode(), bad.body());
        assertEquals("false", groupString(IS_COMPATIBLE, bad.body()), bad.body());

        HttpResponse<String> good = send("POST", path, body(V2_COMPATIBLE));
        assertEquals(200, good.statusCode(), good.body());
        assertEquals("true", groupString(IS_COMPATIBLE, good.body()), good.body());
    }

    @Test
    @Order(5)
    void registeringAnIncompatibleVersionIsRejectedWith409() throws Exception {
        HttpResponse<String> post = send("POST", "/subjects/" + SUBJECT + "/versions", body(V2_INCOMPATIBLE));
        assertEquals(409, post.statusCode(), post.body());

        HttpResponse<String> ok = send("POST", "/subjects/" + SUBJECT + "/versions", body(V2_COMPATIBLE));
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(group(ID, ok.body()) != schemaId, ok.body());
    }

    private static String body(String escapedSchema) {
        return "{\"schema\":\"" + escapedSchema + "\"}";
    }

    private static HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.url() + path))
                .timeout(TIMEOUT)
                .header("Accept", CONTENT_TYPE);
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A SIGKILLed parent runs no shutdown hook: the child must notice on its own and exit. */
    @Test
    @Order(6)
    void registryExitsWhenItsParentIsKilled() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "registry-orphan-it"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process parent = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                RegistryOrphanMain.class.getName(), RegistryServerProcess.locateRunnerJar().toString(),
                work.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .start();
        Optional<ProcessHandle> child = Optional.empty();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(RegistryOrphanMain.PID_PREFIX)) {
                    long pid = Long.parseLong(line.substring(RegistryOrphanMain.PID_PREFIX.length()).trim());
                    child = ProcessHandle.of(pid);
                    break;
                }
            }
            assertTrue(child.isPresent() && child.get().isAlive(), "registry child did not start");

            parent.destroyForcibly(); // SIGKILL
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
            boolean exited = child.get().onExit()
                    .thenApply(h -> true)
                    .completeOnTimeout(false, 20, TimeUnit.SECONDS)
                    .get();
            assertTrue(exited, "registry pid " + child.get().pid() + " outlived its killed parent");
        } finally {
            parent.destroyForcibly();
            child.ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static long group(Pattern p, String text) {
        return Long.parseLong(groupString(p, text));
    }

    private static String groupString(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertTrue(m.find(), "no " + p + " in " + text);
        return m.group(1);
    }

    /** Resident set size of a process, from /proc (Linux); -1 elsewhere. */
    private static long rssKib(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }
}
