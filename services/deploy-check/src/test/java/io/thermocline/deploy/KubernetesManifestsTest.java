package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.thermocline.metrics.MetricsConfig;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** k8s/: parses, kind-prefixed files, Kustomize resources, references, security contexts, Strimzi vs catalogue. */
class KubernetesManifestsTest {

    static final String NAMESPACE = "thermocline";
    static final String KUSTOMIZATION = "kustomization.yaml";
    static final Pattern FILE_NAME = Pattern.compile("^(\\d{2})-([a-z]+)-([a-z0-9-]+)\\.yaml$");
    static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Job");
    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");
    /** Keys of the Secret Strimzi's User Operator writes for a SCRAM-SHA-512 KafkaUser. */
    static final Set<String> KAFKA_USER_SECRET_KEYS = Set.of("password", "sasl.jaas.config");
    static final Set<String> NON_CATALOGUE_TOPICS = Set.of("_schemas");
    /** The capabilities each agent container adds (docs/deploy.md explains each; AgentCapabilitiesIT measures them). */
    static final Map<String, Set<String>> AGENT_CAPABILITIES = Map.of(
            "sampler", Set.of("SYS_ADMIN", "DAC_READ_SEARCH"),
            "migrator", Set.of("SYS_ADMIN", "DAC_READ_SEARCH", "SYS_PTRACE", "SYS_NICE"));

    record Resource(Path file, JsonNode doc) {
        String kind() {
            return doc.path("kind").asText();
        }

        String name() {
            return doc.path("metadata").path("name").asText();
        }

        String where() {
            return file.getFileName() + " " + kind() + "/" + name();
        }
    }

    static final List<Resource> RESOURCES = load();

    private static List<Resource> load() {
        List<Resource> all = new ArrayList<>();
        for (Path f : Repo.k8sFiles()) {
            if (!f.getFileName().toString().equals(KUSTOMIZATION)) {
                Repo.yamlDocuments(f).forEach(d -> all.add(new Resource(f, d)));
            }
        }
        return all;
    }

    static Stream<Resource> ofKind(String kind) {
        return RESOURCES.stream().filter(r -> r.kind().equals(kind));
    }

    static Optional<Resource> find(String kind, String name) {
        return ofKind(kind).filter(r -> r.name().equals(name)).findFirst();
    }

    static JsonNode podSpec(Resource r) {
        return r.doc().path("spec").path("template").path("spec");
    }

    static List<JsonNode> containers(JsonNode podSpec) {
        List<JsonNode> c = new ArrayList<>();
        podSpec.path("initContainers").forEach(c::add);
        podSpec.path("containers").forEach(c::add);
        return c;
    }

    static Stream<Resource> workloads() {
        return RESOURCES.stream().filter(r -> WORKLOAD_KINDS.contains(r.kind()));
    }

    @Test
    void everyDocumentIsComplete() {
        assertFalse(RESOURCES.isEmpty());
        for (Resource r : RESOURCES) {
            assertFalse(r.doc().path("apiVersion").asText().isEmpty(), r.where() + ": no apiVersion");
            assertFalse(r.kind().isEmpty(), r.file() + ": document without kind");
            assertFalse(r.name().isEmpty(), r.where() + ": no metadata.name");
            if (!CLUSTER_SCOPED.contains(r.kind())) {
                assertEquals(NAMESPACE, r.doc().path("metadata").path("namespace").asText(), r.where());
            }
        }
    }

    /** NN-kind-name.yaml, and every document in a file is of the kind its name says. */
    @Test
    void filesAreNumberedAndKindPrefixed() {
        Set<String> numbers = new TreeSet<>();
        for (Path f : Repo.k8sFiles()) {
            String name = f.getFileName().toString();
            if (name.equals(KUSTOMIZATION)) {
                continue;
            }
            Matcher m = FILE_NAME.matcher(name);
            assertTrue(m.matches(), name + " is not NN-kind-name.yaml");
            assertTrue(numbers.add(m.group(1)), "number " + m.group(1) + " used twice");
            for (JsonNode doc : Repo.yamlDocuments(f)) {
                assertEquals(m.group(2), doc.path("kind").asText().toLowerCase(), name + " holds a " + doc.path("kind"));
            }
        }
    }

    @Test
    void kustomizationListsExactlyTheManifests() {
        JsonNode k = Repo.yaml(Repo.file("k8s/" + KUSTOMIZATION));
        assertEquals(NAMESPACE, k.path("namespace").asText());
        Set<String> listed = new TreeSet<>();
        for (JsonNode r : k.path("resources")) {
            assertTrue(Files.exists(Repo.file("k8s").resolve(r.asText())), "kustomization resource " + r.asText()
                    + " does not exist");
            assertTrue(listed.add(r.asText()), r.asText() + " listed twice");
        }
        Set<String> files = Repo.k8sFiles().stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals(KUSTOMIZATION)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(files, listed, "manifests not in kustomization.yaml, or listed but missing");
        Set<String> used = workloads().flatMap(w -> containers(podSpec(w)).stream())
                .map(c -> Images.repository(c.path("image").asText())).collect(Collectors.toSet());
        for (JsonNode img : k.path("images")) {
            assertTrue(used.contains(img.path("name").asText()), "kustomization image " + img.path("name")
                    + " is used by no container");
            assertEquals(Repo.projectVersion(), img.path("newTag").asText());
        }
    }

    @Test
    void imagesArePinned() {
        List<String> problems = new ArrayList<>();
        workloads().forEach(w -> containers(podSpec(w)).forEach(c -> Images.pinningProblems(c.path("image").asText())
                .forEach(p -> problems.add(w.where() + " container " + c.path("name").asText() + ": " + p))));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Every ConfigMap, Secret, PVC, ServiceAccount and volume a pod refers to exists. */
    @Test
    void podReferencesResolve() {
        List<String> problems = new ArrayList<>();
        workloads().forEach(w -> {
            JsonNode spec = podSpec(w);
            String sa = spec.path("serviceAccountName").asText("");
            if (!sa.isEmpty() && find("ServiceAccount", sa).isEmpty()) {
                problems.add(w.where() + ": ServiceAccount " + sa + " does not exist");
            }
            Set<String> volumes = new TreeSet<>();
            for (JsonNode v : spec.path("volumes")) {
                volumes.add(v.path("name").asText());
                if (v.has("configMap") && find("ConfigMap", v.path("configMap").path("name").asText()).isEmpty()) {
                    problems.add(w.where() + ": volume ConfigMap " + v.path("configMap").path("name") + " missing");
                }
                if (v.has("secret") && !secretExists(v.path("secret").path("secretName").asText())) {
                    problems.add(w.where() + ": volume Secret " + v.path("secret").path("secretName") + " missing");
                }
                if (v.has("persistentVolumeClaim")
                        && find("PersistentVolumeClaim", v.path("persistentVolumeClaim").path("claimName").asText())
                        .isEmpty()) {
                    problems.add(w.where() + ": PVC " + v.path("persistentVolumeClaim").path("claimName") + " missing");
                }
            }
            for (JsonNode t : w.doc().path("spec").path("volumeClaimTemplates")) {
                volumes.add(t.path("metadata").path("name").asText());
            }
            for (JsonNode c : containers(spec)) {
                String cn = w.where() + " container " + c.path("name").asText();
                Set<String> mounted = new TreeSet<>();
                for (JsonNode m : c.path("volumeMounts")) {
                    if (!volumes.contains(m.path("name").asText())) {
                        problems.add(cn + ": mounts undeclared volume " + m.path("name").asText());
                    }
                    if (!mounted.add(m.path("mountPath").asText())) {
                        problems.add(cn + ": two mounts on " + m.path("mountPath").asText());
                    }
                }
                for (JsonNode e : c.path("env")) {
                    JsonNode from = e.path("valueFrom");
                    if (from.has("configMapKeyRef")) {
                        JsonNode ref = from.path("configMapKeyRef");
                        Optional<Resource> cm = find("ConfigMap", ref.path("name").asText());
                        if (cm.isEmpty() || !cm.get().doc().path("data").has(ref.path("key").asText())) {
                            problems.add(cn + ": " + e.path("name").asText() + " refers to missing ConfigMap key "
                                    + ref.path("name").asText() + "/" + ref.path("key").asText());
                        }
                    }
                    if (from.has("secretKeyRef")) {
                        JsonNode ref = from.path("secretKeyRef");
                        if (!secretKeyExists(ref.path("name").asText(), ref.path("key").asText())) {
                            problems.add(cn + ": " + e.path("name").asText() + " refers to missing Secret key "
                                    + ref.path("name").asText() + "/" + ref.path("key").asText());
                        }
                    }
                }
                for (JsonNode ef : c.path("envFrom")) {
                    if (ef.has("configMapRef") && find("ConfigMap", ef.path("configMapRef").path("name").asText()).isEmpty()) {
                        problems.add(cn + ": envFrom ConfigMap " + ef.path("configMapRef").path("name") + " missing");
                    }
                    if (ef.has("secretRef") && !secretExists(ef.path("secretRef").path("name").asText())) {
                        problems.add(cn + ": envFrom Secret " + ef.path("secretRef").path("name") + " missing");
                    }
                }
                Set<String> portNames = new TreeSet<>();
                c.path("ports").forEach(p -> portNames.add(p.path("name").asText()));
                for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                    JsonNode port = c.path(probe).path("httpGet").path("port");
                    if (port.isTextual() && !portNames.contains(port.asText())) {
                        problems.add(cn + ": " + probe + " uses unknown port " + port.asText());
                    }
                }
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static boolean secretExists(String name) {
        return find("Secret", name).isPresent() || find("KafkaUser", name).isPresent();
    }

    static boolean secretKeyExists(String name, String key) {
        Optional<Resource> s = find("Secret", name);
        if (s.isPresent()) {
            return s.get().doc().path("data").has(key) || s.get().doc().path("stringData").has(key);
        }
        return find("KafkaUser", name).isPresent() && KAFKA_USER_SECRET_KEYS.contains(key);
    }

    /** Services select existing pods and target their named ports; StatefulSets name a headless Service. */
    @Test
    void servicesSelectPodsAndPorts() {
        for (Resource svc : ofKind("Service").toList()) {
            Map<String, String> selector = labels(svc.doc().path("spec").path("selector"));
            assertFalse(selector.isEmpty(), svc.where() + ": no selector");
            List<Resource> selected = workloads().filter(w -> labels(w.doc().path("spec").path("template")
                    .path("metadata").path("labels")).entrySet().containsAll(selector.entrySet())).toList();
            assertFalse(selected.isEmpty(), svc.where() + ": selects no workload");
            Set<String> ports = new TreeSet<>();
            Set<Integer> numbers = new TreeSet<>();
            selected.forEach(w -> containers(podSpec(w)).forEach(c -> c.path("ports").forEach(p -> {
                ports.add(p.path("name").asText());
                numbers.add(p.path("containerPort").asInt());
            })));
            for (JsonNode p : svc.doc().path("spec").path("ports")) {
                JsonNode target = p.path("targetPort");
                assertTrue(target.isTextual() ? ports.contains(target.asText()) : numbers.contains(target.asInt(
                        p.path("port").asInt())), svc.where() + ": target port " + target + " not on the pods");
            }
        }
        for (Resource sts : ofKind("StatefulSet").toList()) {
            String serviceName = sts.doc().path("spec").path("serviceName").asText();
            Resource svc = find("Service", serviceName).orElseThrow(() -> new AssertionError(sts.where()
                    + ": serviceName " + serviceName + " is no Service"));
            assertEquals("None", svc.doc().path("spec").path("clusterIP").asText(), serviceName + " must be headless");
        }
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> m = new TreeMap<>();
        node.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    /** The agent: hostPID, node-local host id, drop ALL and add exactly the documented capabilities. */
    @Test
    void agentDaemonSetHasOnlyTheNeededPrivileges() {
        Resource ds = find("DaemonSet", "thermocline-agent").orElseThrow();
        JsonNode spec = podSpec(ds);
        assertTrue(spec.path("hostPID").asBoolean(), "hostPID: the agents read /proc/<pid> of the node's processes");
        assertFalse(spec.path("hostNetwork").asBoolean(), "no hostNetwork");
        assertFalse(spec.path("hostIPC").asBoolean(), "no hostIPC");
        assertEquals(AGENT_CAPABILITIES.keySet(), containers(spec).stream().map(c -> c.path("name").asText())
                .collect(Collectors.toSet()));
        for (JsonNode c : containers(spec)) {
            String name = c.path("name").asText();
            JsonNode sc = c.path("securityContext");
            assertFalse(sc.path("privileged").asBoolean(false), name + " must not be privileged");
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), name + ": allowPrivilegeEscalation");
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), name + ": readOnlyRootFilesystem");
            assertEquals(Set.of("ALL"), strings(sc.path("capabilities").path("drop")), name + " drops ALL");
            assertEquals(AGENT_CAPABILITIES.get(name), strings(sc.path("capabilities").path("add")), name);
            String hostVar = "TC_" + name.toUpperCase() + "_HOST_ID";
            JsonNode hostId = env(c).get(hostVar);
            assertNotNull(hostId, name + ": no " + hostVar);
            assertEquals("spec.nodeName", hostId.path("valueFrom").path("fieldRef").path("fieldPath").asText(),
                    name + ": host id must be the node name");
            int metricsPort = name.equals("sampler") ? MetricsConfig.DEFAULT_PORT_SAMPLER
                    : MetricsConfig.DEFAULT_PORT_MIGRATOR;
            assertTrue(c.path("ports").findValuesAsText("containerPort").contains(Integer.toString(metricsPort)),
                    name + " exposes metrics port " + metricsPort);
        }
    }

    /** Hotness: non-root StatefulSet, RocksDB state on a PVC, no capabilities. */
    @Test
    void hotnessStatefulSetKeepsStateOnAVolumeAndRunsNonRoot() {
        Resource sts = find("StatefulSet", "thermocline-hotness").orElseThrow();
        JsonNode spec = podSpec(sts);
        assertTrue(spec.path("securityContext").path("runAsNonRoot").asBoolean());
        assertEquals(65532, spec.path("securityContext").path("runAsUser").asInt());
        assertEquals(65532, spec.path("securityContext").path("fsGroup").asInt(), "fsGroup makes the PVC writable");
        JsonNode c = spec.path("containers").get(0);
        assertEquals(Set.of("ALL"), strings(c.path("securityContext").path("capabilities").path("drop")));
        assertTrue(strings(c.path("securityContext").path("capabilities").path("add")).isEmpty());
        String claim = sts.doc().path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText();
        String mountPath = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (m.path("name").asText().equals(claim)) {
                mountPath = m.path("mountPath").asText();
            }
        }
        assertNotNull(mountPath, "the PVC is not mounted");
        String stateDir = env(c).get("TC_HOTNESS_STATE_DIR").path("value").asText();
        assertTrue(stateDir.startsWith(mountPath + "/") || stateDir.equals(mountPath),
                "state.dir " + stateDir + " is not on the PVC at " + mountPath);
        String appServer = env(c).get("TC_HOTNESS_APPLICATION_SERVER").path("value").asText();
        assertTrue(appServer.startsWith("$(POD_NAME)." + sts.doc().path("spec").path("serviceName").asText() + "."),
                "application.server must be the pod's headless-service DNS name: " + appServer);
    }

    static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        container.path("env").forEach(e -> m.put(e.path("name").asText(), e));
        return m;
    }

    static Set<String> strings(JsonNode array) {
        Set<String> s = new TreeSet<>();
        array.forEach(n -> s.add(n.asText()));
        return s;
    }

    @TestFactory
    Stream<DynamicTest> thermoclineEnvironmentMatchesConfigKeys() {
        List<DynamicTest> tests = new ArrayList<>();
        workloads().forEach(w -> containers(podSpec(w)).stream()
                .filter(c -> c.path("image").asText().startsWith(Images.THERMOCLINE_REPOSITORY))
                .forEach(c -> {
                    Map<String, String> vars = new LinkedHashMap<>();
                    for (JsonNode e : c.path("env")) {
                        vars.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : null);
                    }
                    for (JsonNode ef : c.path("envFrom")) {
                        find("ConfigMap", ef.path("configMapRef").path("name").asText()).ifPresent(cm ->
                                cm.doc().path("data").fieldNames().forEachRemaining(n -> vars.put(
                                        ef.path("prefix").asText("") + n, cm.doc().path("data").path(n).asText())));
                    }
                    String where = w.where() + " container " + c.path("name").asText();
                    tests.add(DynamicTest.dynamicTest(where, () -> EnvAssertions.assertEnvMatchesConfig(where, vars,
                            c.path("image").asText())));
                }));
        assertFalse(tests.isEmpty());
        return tests.stream();
    }

    /** Strimzi KafkaTopics are the topic catalogue, one for one. */
    @Test
    void kafkaTopicsAreTheCatalogue() {
        Map<String, JsonNode> topics = new TreeMap<>();
        ofKind("KafkaTopic").forEach(t -> topics.put(t.doc().path("spec").path("topicName").asText(t.name()),
                t.doc().path("spec")));
        assertEquals(Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.toCollection(TreeSet::new)),
                topics.keySet());
        for (TopicSpec<?, ?> t : Topics.ALL) {
            JsonNode spec = topics.get(t.name());
            assertEquals(t.partitions(), spec.path("partitions").asInt(), t.name() + " partitions");
            for (Map.Entry<String, String> c : t.configs().entrySet()) {
                assertEquals(c.getValue(), spec.path("config").path(c.getKey()).asText(), t.name() + " " + c.getKey());
            }
            if (!t.configs().containsKey(TopicConfig.RETENTION_MS_CONFIG)) {
                assertFalse(spec.path("config").has(TopicConfig.RETENTION_MS_CONFIG), t.name() + " retention.ms");
            }
        }
    }

    /** Every KafkaUser's ACLs name catalogue topics; each user's Secret is used only by its own service. */
    @Test
    void kafkaUsersHaveCatalogueAclsAndAreUsedByTheirService() {
        Set<String> catalogue = Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.toSet());
        List<Resource> users = ofKind("KafkaUser").toList();
        assertFalse(users.isEmpty());
        for (Resource u : users) {
            JsonNode acls = u.doc().path("spec").path("authorization").path("acls");
            assertFalse(acls.isEmpty(), u.where() + ": no ACLs");
            for (JsonNode acl : acls) {
                JsonNode res = acl.path("resource");
                if (res.path("type").asText().equals("topic") && res.path("patternType").asText("literal")
                        .equals("literal")) {
                    String topic = res.path("name").asText();
                    assertTrue(catalogue.contains(topic) || NON_CATALOGUE_TOPICS.contains(topic),
                            u.where() + ": ACL on unknown topic " + topic);
                }
                assertFalse(strings(acl.path("operations")).isEmpty(), u.where() + ": ACL without operations");
            }
            List<String> users2 = new ArrayList<>();
            workloads().forEach(w -> containers(podSpec(w)).forEach(c -> c.path("env").forEach(e -> {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                if (ref.path("name").asText().equals(u.name())) {
                    users2.add(c.path("name").asText());
                }
            })));
            assertFalse(users2.isEmpty(), u.where() + ": no workload uses this user");
            Predicate<String> own = c -> u.name().endsWith(c);
            assertTrue(users2.stream().allMatch(own), u.where() + " credentials used by " + users2);
        }
    }

    @Test
    void strimziResourcesBelongToTheKafkaCluster() {
        List<Resource> kafkas = ofKind("Kafka").toList();
        assertEquals(1, kafkas.size());
        Resource kafka = kafkas.get(0);
        assertEquals("enabled", kafka.doc().path("metadata").path("annotations").path("strimzi.io/node-pools").asText());
        assertEquals("simple", kafka.doc().path("spec").path("kafka").path("authorization").path("type").asText());
        assertEquals("false", kafka.doc().path("spec").path("kafka").path("config").path("auto.create.topics.enable")
                .asText(), "topics come from KafkaTopics only");
        for (String kind : List.of("KafkaNodePool", "KafkaTopic", "KafkaUser")) {
            ofKind(kind).forEach(r -> assertEquals(kafka.name(), r.doc().path("metadata").path("labels")
                    .path("strimzi.io/cluster").asText(), r.where() + ": strimzi.io/cluster label"));
        }
        assertTrue(ofKind("KafkaNodePool").anyMatch(p -> strings(p.doc().path("spec").path("roles"))
                .containsAll(Set.of("broker", "controller"))) || ofKind("KafkaNodePool").count() >= 2);
        String bootstrap = find("ConfigMap", "thermocline-config").orElseThrow().doc().path("data")
                .path("bootstrap.servers").asText();
        assertTrue(bootstrap.startsWith(kafka.name() + "-kafka-bootstrap"), "bootstrap.servers " + bootstrap);
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        JsonNode listener = null;
        for (JsonNode l : kafka.doc().path("spec").path("kafka").path("listeners")) {
            if (l.path("port").asInt() == port) {
                listener = l;
            }
        }
        assertNotNull(listener, "no listener on " + port);
        assertEquals("scram-sha-512", listener.path("authentication").path("type").asText());
        assertEquals("SCRAM-SHA-512", find("ConfigMap", "thermocline-config").orElseThrow().doc().path("data")
                .path("kafka.sasl.mechanism").asText());
    }
}
