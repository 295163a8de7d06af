package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bench command end to end on a small load: every contract field is there and plausible. */
class BenchCommandIT {

    @Test
    void writesTheFiguresItMeasured() throws Exception {
        Path dir = Path.of("target", "bench-it-" + System.nanoTime());
        Path json = dir.resolve("bench.json");
        CliRun r = CliRun.run("bench", "--samples", "60000", "--hosts", "2", "--latency-epochs", "24",
                "--epoch-ms", "250", "--work-dir", dir.resolve("work").toString(), "--report-json", json.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode b = new ObjectMapper().readTree(json.toFile());
        for (String f : new String[] {"rawKafkaSamplesPerSec", "pipelineSamplesPerSec", "ratio", "p50SampleToMovedMs",
                "p99SampleToMovedMs", "stateBytesPerPage"}) {
            assertTrue(b.has(f), f + " in " + b);
        }
        assertTrue(b.get("rawKafkaSamplesPerSec").asDouble() > 0);
        assertTrue(b.get("pipelineSamplesPerSec").asDouble() > 0);
        assertEquals(b.get("pipelineSamplesPerSec").asDouble() / b.get("rawKafkaSamplesPerSec").asDouble(),
                b.get("ratio").asDouble(), 1e-9);
        assertTrue(b.get("stateBytesPerPage").asDouble() > 0, "RocksDB state was written");
    }

    @Test
    void badFlagsExitNonZero() {
        CliRun r = CliRun.run("bench", "--report-json", "x.json", "--samples", "5");
        assertTrue(r.exitCode() != 0 && r.err().contains("--samples"), r.toString());
    }
}
