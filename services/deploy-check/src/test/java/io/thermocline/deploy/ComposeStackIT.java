package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.metrics.MetricsConfig;
import io.thermocline.metrics.MetricsServer;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;

/**
 * Runs docker-compose.yml with Docker (Testcontainers' ComposeContainer, the local {@code docker compose}).
 * Skips, saying so, where no Docker engine is reachable (as on the project's build machines). The
 * infrastructure test needs only public images; the full-stack test also needs the Thermocline images
 * loaded ({@code docker load -i services/X/target/jib-image.tar}) and skips without them.
 */
class ComposeStackIT {

    static final Duration STARTUP = Duration.ofMinutes(5);
    static final String KAFKA_EXTERNAL_PORT = "29092";
    static final int REGISTRY_PORT = 8081;
    static final int PROMETHEUS_PORT = 9090;
    static final int HTTP_OK = 200;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Per test (not per class) so every skipped test reports the reason. */
    @BeforeEach
    void requireDocker() {
        boolean available;
        String detail = "";
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            available = false;
            detail = " (" + e + ")";
        }
        Assumptions.assumeTrue(available, "ComposeStackIT skipped: no Docker engine reachable" + detail
                + " - Testcontainers found no DOCKER_HOST, /var/run/docker.sock or configured engine; "
                + "docker-compose.yml is validated statically by DockerComposeTest instead");
        Assumptions.assumeTrue(composeV2Available(), "ComposeStackIT skipped: Docker is reachable but "
                + "'docker compose' (Compose v2) is not installed");
    }

    private static boolean composeV2Available() {
        try {
            Process p = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String dockerHost() {
        return DockerClientFactory.instance().dockerHostIpAddress();
    }

    @Test
    void kafkaRegistryAndTopicsComeUp() throws Exception {
        try (ComposeContainer compose = new ComposeContainer(Repo.file(Repo.COMPOSE_FILE).toFile())
                .withLocalCompose(true)
                .withServices("kafka", "schema-registry", "topics-init")) {
            compose.start();
            assertCatalogueTopicsExist();
            assertEquals(HTTP_OK, awaitHttp("http://" + dockerHost() + ":" + REGISTRY_PORT + "/subjects"));
        }
    }

    @Test
    void fullStackServesMetrics() throws Exception {
        String version = Repo.projectVersion();
        for (String image : List.of("thermocline/thermocline-hotness:" + version, "thermocline/thermocline-cli:" + version)) {
            boolean present;
            try {
                DockerClientFactory.instance().client().inspectImageCmd(image).exec();
                present = true;
            } catch (RuntimeException e) {
                present = false;
            }
            Assumptions.assumeTrue(present, () -> image + " is not loaded: ./mvnw -Pimages -pl services/hotness,"
                    + "services/cli -am package -DskipTests, then docker load -i services/<x>/target/jib-image.tar");
        }
        Assumptions.assumeTrue(new picocli.CommandLine(new io.thermocline.cli.ThermoclineCli()).getSubcommands()
                .containsKey("agent"), "the compose agent service runs 'thermocline agent', which does not exist yet");
        try (ComposeContainer compose = new ComposeContainer(Repo.file(Repo.COMPOSE_FILE).toFile())
                .withLocalCompose(true)) {
            compose.start();
            assertCatalogueTopicsExist();
            String base = "http://" + dockerHost() + ":";
            assertEquals(HTTP_OK, awaitHttp(base + MetricsConfig.DEFAULT_PORT_HOTNESS + MetricsServer.HEALTH_PATH));
            assertEquals(HTTP_OK, awaitHttp(base + MetricsConfig.DEFAULT_PORT_SAMPLER + MetricsServer.METRICS_PATH));
            assertEquals(HTTP_OK, awaitHttp(base + PROMETHEUS_PORT + "/-/ready"));
        }
    }

    private void assertCatalogueTopicsExist() throws Exception {
        Set<String> wanted = Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.toSet());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                dockerHost() + ":" + KAFKA_EXTERNAL_PORT))) {
            long deadline = System.nanoTime() + STARTUP.toNanos();
            Set<String> names = Set.of();
            while (System.nanoTime() < deadline) {
                try {
                    names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    names = Set.of();
                }
                if (names.containsAll(wanted)) {
                    break;
                }
                Thread.sleep(2_000);
            }
            assertTrue(names.containsAll(wanted), "topics-init created " + names + ", want " + wanted);
            for (TopicSpec<?, ?> t : Topics.ALL) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
                Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
                assertEquals(t.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG),
                        c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(), t.name());
                assertEquals(t.partitions(), admin.describeTopics(List.of(t.name())).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get(t.name()).partitions().size(), t.name());
            }
        }
    }

    private int awaitHttp(String url) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        int status = -1;
        while (System.nanoTime() < deadline) {
            try {
                status = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == HTTP_OK) {
                    return status;
                }
            } catch (java.io.IOException e) {
                status = -1;
            }
            Thread.sleep(2_000);
        }
        return status;
    }
}
