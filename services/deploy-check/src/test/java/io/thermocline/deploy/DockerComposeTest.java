package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.thermocline.metrics.MetricsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** docker-compose.yml: parses, pinned images, env vs config classes, ports, volumes, dependencies. */
class DockerComposeTest {

    static final JsonNode COMPOSE = Repo.yaml(Repo.file(Repo.COMPOSE_FILE));
    static final Set<String> REQUIRED_SERVICES = Set.of("kafka", "schema-registry", "topics-init", "hotness", "agent",
            "prometheus", "grafana");

    static Map<String, JsonNode> services() {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        COMPOSE.path("services").properties().forEach(e -> services.put(e.getKey(), e.getValue()));
        return services;
    }

    /** A service's environment as name -> value (map or "K=V" list form). */
    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.properties().forEach(f -> env.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
        } else if (e.isArray()) {
            for (JsonNode item : e) {
                String s = item.asText();
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return env;
    }

    /** "host:container[/proto]" or "container" entries -> container ports. */
    static List<Integer> containerPorts(JsonNode service) {
        List<Integer> ports = new ArrayList<>();
        for (JsonNode p : service.path("ports")) {
            String s = p.isObject() ? p.path("target").asText() : p.asText();
            s = s.replaceAll("/(tcp|udp)$", "");
            String[] parts = s.split(":");
            ports.add(Integer.parseInt(parts[parts.length - 1]));
        }
        return ports;
    }

    @Test
    void parsesAndHasEveryService() {
        assertTrue(COMPOSE.isObject(), "not a mapping");
        assertTrue(services().keySet().containsAll(REQUIRED_SERVICES),
                "missing services: " + REQUIRED_SERVICES.stream().filter(s -> !services().containsKey(s)).toList());
    }

    @Test
    void imagesArePinned() {
        List<String> problems = new ArrayList<>();
        services().forEach((name, s) -> {
            if (s.has("build")) {
                problems.add(name + ": builds from source; use a pinned image");
            }
            Images.pinningProblems(Repo.text(s, "image")).forEach(p -> problems.add(name + ": " + p));
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** One Kafka version everywhere: the broker image is the version of the clients the code uses. */
    @Test
    void kafkaImageMatchesTheClientVersion() {
        String image = Repo.text(services().get("kafka"), "image");
        assertEquals("apache/kafka", Images.repository(image));
        assertEquals(AppInfoParser.getVersion(), Images.tag(image), "apache/kafka tag vs kafka-clients on the classpath");
        assertEquals("confluentinc/cp-schema-registry",
                Images.repository(Repo.text(services().get("schema-registry"), "image")));
    }

    /** Thermocline images are the Jib images of existing modules at the project version. */
    @Test
    void thermoclineImagesAreModulesAtTheProjectVersion() {
        String version = Repo.projectVersion();
        int found = 0;
        for (Map.Entry<String, JsonNode> e : services().entrySet()) {
            String image = Repo.text(e.getValue(), "image");
            if (image != null && image.startsWith(Images.THERMOCLINE_REPOSITORY)) {
                found++;
                String artifact = Images.repository(image).substring(Images.THERMOCLINE_REPOSITORY.length());
                assertTrue(artifact.startsWith("thermocline-"), image);
                Path module = Repo.file("services/" + artifact.substring("thermocline-".length()));
                assertTrue(Files.isDirectory(module), e.getKey() + ": no module " + module + " for " + image);
                assertEquals(version, Images.tag(image), e.getKey() + ": image tag vs project version");
            }
        }
        assertTrue(found >= 2, "hotness and agent images");
    }

    @TestFactory
    Stream<DynamicTest> thermoclineEnvironmentMatchesConfigKeys() {
        return services().entrySet().stream()
                .filter(e -> String.valueOf(Repo.text(e.getValue(), "image")).startsWith(Images.THERMOCLINE_REPOSITORY))
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> EnvAssertions.assertEnvMatchesConfig(
                        Repo.COMPOSE_FILE + " service " + e.getKey(), environment(e.getValue()),
                        Repo.text(e.getValue(), "image"))));
    }

    @Test
    void dependenciesExistAndOneShotsAreAwaitedByCompletion() {
        Map<String, JsonNode> services = services();
        for (Map.Entry<String, JsonNode> e : services.entrySet()) {
            JsonNode deps = e.getValue().path("depends_on");
            Iterator<String> names = deps.isArray()
                    ? toList(deps).iterator() : deps.fieldNames();
            while (names.hasNext()) {
                String dep = names.next();
                assertTrue(services.containsKey(dep), e.getKey() + " depends on unknown " + dep);
                String condition = deps.isObject() ? deps.path(dep).path("condition").asText("") : "";
                boolean oneShot = "no".equals(services.get(dep).path("restart").asText("no"))
                        && services.get(dep).has("entrypoint") && !services.get(dep).has("healthcheck");
                if (condition.equals("service_completed_successfully")) {
                    assertTrue(oneShot, dep + " is awaited to complete but is not a one-shot");
                }
                if (condition.equals("service_healthy")) {
                    assertTrue(services.get(dep).has("healthcheck"), dep + " is awaited healthy but has no healthcheck");
                }
            }
        }
        JsonNode topicsInit = services.get("topics-init");
        assertEquals("no", topicsInit.path("restart").asText());
        assertTrue(topicsInit.path("entrypoint").toString().contains("/deploy/topics/create-topics.sh"));
    }

    private static List<String> toList(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asText()));
        return l;
    }

    @Test
    void publishedPortsAreUnique() {
        Set<String> hostPorts = new HashSet<>();
        services().forEach((name, s) -> {
            for (JsonNode p : s.path("ports")) {
                String[] parts = p.asText().replaceAll("/(tcp|udp)$", "").split(":");
                assertTrue(parts.length >= 2, name + ": publish an explicit host port: " + p.asText());
                String host = parts[parts.length - 2];
                assertTrue(hostPorts.add(host), name + ": host port " + host + " published twice");
            }
        });
    }

    /** Prometheus scrapes only services and ports that exist; metrics ports are the services' defaults. */
    @Test
    void prometheusTargetsAreComposeServices() {
        JsonNode prom = Repo.yaml(Repo.file("deploy/prometheus/prometheus.yml"));
        Map<String, JsonNode> services = services();
        Set<String> thermoclineTargets = new TreeSet<>();
        for (JsonNode job : prom.path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                for (JsonNode t : sc.path("targets")) {
                    String[] hp = t.asText().split(":");
                    if (hp[0].equals("localhost")) {
                        continue;
                    }
                    JsonNode service = services.get(hp[0]);
                    assertTrue(service != null, "scrape target " + t.asText() + " is no compose service");
                    assertTrue(containerPorts(service).contains(Integer.parseInt(hp[1])),
                            t.asText() + ": " + hp[0] + " does not expose " + hp[1]);
                    thermoclineTargets.add(t.asText());
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("hotness:" + MetricsConfig.DEFAULT_PORT_HOTNESS,
                "agent:" + MetricsConfig.DEFAULT_PORT_SAMPLER, "agent:" + MetricsConfig.DEFAULT_PORT_MIGRATOR)),
                thermoclineTargets);
        for (JsonNode rule : prom.path("rule_files")) {
            assertTrue(mountTargets(services.get("prometheus")).contains(rule.asText()),
                    "rule file " + rule.asText() + " is not mounted into prometheus");
        }
    }

    /** Named volumes are declared and used; bind mounts point at files of the repository. */
    @Test
    void volumesAreConsistent() {
        Set<String> declared = new TreeSet<>();
        COMPOSE.path("volumes").fieldNames().forEachRemaining(declared::add);
        Set<String> used = new TreeSet<>();
        Map<String, String> targets = new HashMap<>();
        services().forEach((name, s) -> {
            for (JsonNode v : s.path("volumes")) {
                String[] parts = v.asText().split(":");
                assertTrue(parts.length >= 2, name + ": volume without target: " + v.asText());
                String source = parts[0];
                String target = parts[1];
                assertTrue(target.startsWith("/"), name + ": relative target " + target);
                assertFalse(targets.containsKey(name + target), name + ": two volumes on " + target);
                targets.put(name + target, source);
                if (source.startsWith("./") || source.startsWith("../") || source.startsWith("/")) {
                    Path p = Repo.root().resolve(source).normalize();
                    assertTrue(Files.exists(p), name + ": bind source " + source + " does not exist");
                    assertTrue(parts.length == 3 && parts[2].contains("ro"), name + ": bind mount " + source
                            + " of repository files must be read-only (:ro)");
                } else {
                    assertTrue(declared.contains(source), name + ": volume " + source + " not declared");
                    used.add(source);
                }
            }
        });
        assertEquals(declared, used, "declared but unused volumes");
    }

    /** Grafana's dashboard provider reads the directory the dashboards are mounted at. */
    @Test
    void grafanaProvisioningMatchesMounts() {
        JsonNode grafana = services().get("grafana");
        Set<String> mounts = mountTargets(grafana);
        JsonNode provider = Repo.yaml(Repo.file("deploy/grafana/provisioning/dashboards/thermocline.yml"));
        String path = provider.path("providers").get(0).path("options").path("path").asText();
        assertTrue(mounts.contains(path), "dashboards provider path " + path + " not mounted: " + mounts);
        assertTrue(mounts.contains("/etc/grafana/provisioning"));
        String home = environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertTrue(home.startsWith(path + "/"), home);
        assertTrue(Files.exists(Repo.file("deploy/grafana/dashboards").resolve(home.substring(path.length() + 1))),
                "home dashboard " + home + " not in deploy/grafana/dashboards");
        JsonNode ds = Repo.yaml(Repo.file("deploy/grafana/provisioning/datasources/prometheus.yml"));
        String url = ds.path("datasources").get(0).path("url").asText();
        assertEquals("http://prometheus:9090", url);
        if (!containerPorts(services().get("prometheus")).contains(9090)) {
            fail("prometheus does not expose 9090");
        }
    }

    static Set<String> mountTargets(JsonNode service) {
        Set<String> targets = new TreeSet<>();
        for (JsonNode v : service.path("volumes")) {
            targets.add(v.asText().split(":")[1]);
        }
        return targets;
    }
}
