package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/deploy.md must describe the files as they are: paths exist, images and manifests are the real ones. */
class DeployDocsTest {

    static final Path DOC = Repo.file("docs/deploy.md");
    static final Pattern REPO_PATH = Pattern.compile("\\b((?:deploy|k8s|services|docs)/[A-Za-z0-9_.\\-/]+)");

    static String doc() throws IOException {
        return Files.readString(DOC);
    }

    @Test
    void everyRepositoryPathExists() throws IOException {
        List<String> missing = new ArrayList<>();
        Matcher m = REPO_PATH.matcher(doc());
        while (m.find()) {
            String p = m.group(1).replaceAll("[.]+$", "");
            if (p.contains("/target/") || p.endsWith("/target")) {
                continue; // build output
            }
            if (!Files.exists(Repo.file(p))) {
                missing.add(p);
            }
        }
        assertTrue(missing.isEmpty(), "docs/deploy.md names missing paths: " + missing);
    }

    @Test
    void namesEveryComposeServiceAndPublicImage() throws IOException {
        String doc = doc();
        DockerComposeTest.services().forEach((name, s) -> {
            assertTrue(doc.contains("`" + name + "`"), "compose service " + name + " not described");
            String image = Repo.text(s, "image");
            if (!image.startsWith(Images.THERMOCLINE_REPOSITORY)) {
                assertTrue(doc.contains(image), "image " + image + " not named (or named with another tag)");
            }
        });
    }

    @Test
    void namesEveryManifest() throws IOException {
        String doc = doc();
        for (Path f : Repo.k8sFiles()) {
            assertTrue(doc.contains(f.getFileName().toString()), f.getFileName() + " not described");
        }
    }

    /** The capability table names exactly the capabilities the DaemonSet adds. */
    @Test
    void capabilityTableMatchesTheDaemonSet() throws IOException {
        String doc = doc();
        java.util.Set<String> rows = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| (sampler|migrator) \\| `CAP_([A-Z_]+)` \\|").matcher(doc);
        while (m.find()) {
            rows.add(m.group(1) + " " + m.group(2));
        }
        java.util.Set<String> manifest = new java.util.TreeSet<>();
        KubernetesManifestsTest.AGENT_CAPABILITIES.forEach((c, caps) -> caps.forEach(cap -> manifest.add(c + " " + cap)));
        org.junit.jupiter.api.Assertions.assertEquals(manifest, rows);
    }

    /** The Jib properties the docs tell module owners to set are the ones the parent POM's profile reads. */
    @Test
    void jibPropertiesMatchTheParentPom() throws IOException {
        String pom = Files.readString(Repo.file("pom.xml"));
        String doc = doc();
        for (String property : List.of("jib.skip", "thermocline.image.mainClass")) {
            assertTrue(doc.contains("<" + property + ">"), "docs do not name " + property);
            assertTrue(pom.contains("${" + property + "}"), "parent POM does not read " + property);
        }
        assertTrue(pom.contains("<id>images</id>") && pom.contains("<id>local-base</id>"));
        JsonNode compose = Repo.yaml(Repo.file(Repo.COMPOSE_FILE));
        assertTrue(compose.path("services").path("hotness").path("image").asText()
                .contains("thermocline-hotness:" + Repo.projectVersion()));
        assertTrue(doc.contains("thermocline/thermocline-$m:" + Repo.projectVersion()), "docker tag commands");
    }
}
