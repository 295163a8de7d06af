package io.thermocline.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Test support: the real registry runner jar built by
 * services/registry-server (Apicurio 2.4.2.Final, ccompat v7) as a child JVM on a free loopback
 * port. The jar comes from system property {@value #JAR_PROPERTY}, which failsafe sets.
 */
public final class ApicurioProcess implements AutoCloseable {
  public static final String JAR_PROPERTY = "thermocline.registry.jar";
  public static final String API_PATH = "/apis/ccompat/v7";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Process process;
  private final String url;

  private ApicurioProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /** The runner jar, or null when it has not been built. */
  public static Path runnerJar() {
    String jar = System.getProperty(JAR_PROPERTY);
    return jar != null && Files.isRegularFile(Path.of(jar)) ? Path.of(jar) : null;
  }

  /** Starts the registry and waits until its API answers. */
  public static ApicurioProcess start(Path jar) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("apicurio-it", ".log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ApicurioProcess registry = new ApicurioProcess(p, "http://127.0.0.1:" + port + API_PATH);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(registry.url + "/subjects")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return registry;
        }
      } catch (IOException notYet) {
        // still starting
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        registry.close();
        throw new IllegalStateException("registry did not start; log:\n" + Files.readString(log));
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Base URL of the Confluent-compatible API. */
  public String url() {
    return url;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
