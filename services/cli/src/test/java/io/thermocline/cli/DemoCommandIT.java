package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's main command end to end (its own real broker and registry, the hotness app, two emulated
 * hosts with sampler and migrator services), small enough for CI.
 */
class DemoCommandIT {

    static final Path OUT = Path.of("target", "demo-it");

    static JsonNode run(String name) throws Exception {
        Path dir = OUT.resolve(name);
        deleteTree(dir);     // a rerun must not find the previous run's cluster
        Path json = dir.resolve("report.json");
        Path html = dir.resolve("report.html");
        CliRun r = CliRun.run("demo", "--hosts", "2", "--epochs", "6", "--footprint", "8MiB",
                "--accesses-per-epoch", "32768", "--seed", "3", "--work-dir", dir.resolve("work").toString(),
                "--report-json", json.toString(), "--report-html", html.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("thermocline-pipeline") && r.out().contains("oracle"), r.out());
        assertTrue(Files.readString(html).contains("Thermocline demo"), "html report");
        return new ObjectMapper().readTree(json.toFile());
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static Map<String, JsonNode> byName(JsonNode policies) {
        Map<String, JsonNode> m = new HashMap<>();
        policies.forEach(p -> m.put(p.get("name").asText(), p));
        return m;
    }

    @Test
    void demoRunsThePipelineAndReportsItBesideTheBaselines() throws Exception {
        JsonNode report = run("a");
        assertEquals(2, report.get("hosts").size());
        for (String field : new String[] {"workload", "seed", "epochs", "footprintPages", "fastTierPages"}) {
            assertTrue(report.has(field), field);
        }
        Map<String, JsonNode> policies = byName(report.get("policies"));
        for (String p : new String[] {"first-touch", "numab2", "kmmscand", "damon", "oracle", "thermocline-pipeline"}) {
            assertTrue(policies.containsKey(p), p + " in " + policies.keySet());
        }
        JsonNode pipeline = report.get("pipeline");
        for (String f : new String[] {"samplesPublished", "decisions", "moved", "staleRefused", "dlq",
                "p50SampleToMovedMs", "p99SampleToMovedMs"}) {
            assertTrue(pipeline.has(f), "pipeline." + f);
        }
        assertTrue(pipeline.get("samplesPublished").asLong() > 0, "samples published");
        assertTrue(pipeline.get("moved").asLong() > 0, "the migrators moved pages: " + pipeline);
        assertEquals(0, pipeline.get("dlq").asLong(), "no dead letters in a clean run");
        assertEquals(0, policies.get("thermocline-pipeline").get("pinViolations").asLong());
        // host-0 runs gups-hotset: first touch leaves the hot set on CXL; the pipeline must bring it up
        JsonNode host0 = byName(report.get("hosts").get(0).get("policies")).get("thermocline-pipeline");
        JsonNode host0First = byName(report.get("hosts").get(0).get("policies")).get("first-touch");
        assertTrue(host0.get("fastAccessRatio").asDouble() > host0First.get("fastAccessRatio").asDouble() + 0.2,
                "pipeline " + host0 + " vs first-touch " + host0First);
        // the moves the emulator accounted for are the ones the migrators reported
        assertEquals(pipeline.get("moved").asLong(), policies.get("thermocline-pipeline").get("promotedPages").asLong()
                + policies.get("thermocline-pipeline").get("demotedPages").asLong(), "moves = promoted + demoted");
    }

    /** Lockstep through Kafka is reproducible: two runs with one seed report the same placements and moves. */
    @Test
    void lockstepRunsAreIdentical() throws Exception {
        JsonNode a = withoutWallTime(run("repeat-1"));
        JsonNode b = withoutWallTime(run("repeat-2"));
        assertEquals(a.get("policies"), b.get("policies"));
        assertEquals(a.get("hosts"), b.get("hosts"));
        assertEquals(a.get("pipeline"), b.get("pipeline"));
    }

    private static JsonNode withoutWallTime(JsonNode n) {
        if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.remove("wallSeconds");
            o.fields().forEachRemaining(e -> withoutWallTime(e.getValue()));
        } else if (n.isArray()) {
            n.forEach(DemoCommandIT::withoutWallTime);
        }
        return n;
    }

    @Test
    void badFlagsSayWhatIsWrong() throws Exception {
        CliRun r = CliRun.run("demo", "--fast-ratio", "1.5");
        assertTrue(r.exitCode() != 0 && r.err().contains("--fast-ratio"), r.toString());
        r = CliRun.run("demo", "--workloads", "nosuch");
        assertTrue(r.exitCode() != 0 && r.err().contains("unknown workload"), r.toString());
        Path used = OUT.resolve("reused");
        java.nio.file.Files.createDirectories(used.resolve("cluster"));
        r = CliRun.run("demo", "--work-dir", used.toString());
        assertTrue(r.exitCode() != 0 && r.err().contains("previous run's cluster"), r.toString());
    }
}
