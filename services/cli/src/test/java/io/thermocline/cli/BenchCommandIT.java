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
        CliRun r = CliRun.run("bench", "--samples", "400000", "--warmup-samples", "30000", "--max-warmup-passes", "2",
                "--hosts", "2", "--repeats", "2", "--latency-epochs", "24", "--set", "streams.producer.linger.ms=5", "--owners",
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
        // two timed pairs; the figures are their medians (of two: the mean)
        assertEquals(2, b.get("repeats").asInt());
        JsonNode raws = b.get("rawKafkaSamplesPerSecRuns");
        JsonNode pipes = b.get("pipelineSamplesPerSecRuns");
        assertEquals(2, raws.size(), b.toString());
        assertEquals(2, pipes.size(), b.toString());
        assertEquals((raws.get(0).asDouble() + raws.get(1).asDouble()) / 2, b.get("rawKafkaSamplesPerSec").asDouble(),
                1e-6);
        assertEquals((pipes.get(0).asDouble() + pipes.get(1).asDouble()) / 2, b.get("pipelineSamplesPerSec").asDouble(),
                1e-6);
        // to the last record processed, and to the app's commit of it (later: a lower rate); mid-pass diagnostics
        assertEquals(2, b.get("pipelineCommittedSamplesPerSecRuns").size(), b.toString());
        for (int i = 0; i < 2; i++) {
            assertTrue(b.get("pipelineCommittedSamplesPerSecRuns").get(i).asDouble() <= pipes.get(i).asDouble(),
                    b.toString());
        }
        assertEquals(b.get("pipelineCommittedSamplesPerSec").asDouble() / b.get("rawKafkaSamplesPerSec").asDouble(),
                b.get("ratioCommitted").asDouble(), 1e-9);
        assertEquals(2, b.get("pipelineMidPassSamplesPerSecRuns").size(), b.toString());
        // where the CPU went: the stream threads, this JVM, the broker child process
        assertTrue(b.get("pipelineStreamThreadsCpuSeconds").asDouble() > 0, b.toString());
        assertTrue(b.get("pipelineBrokerCpuSeconds").asDouble() > 0, b.toString());
        assertEquals(2, b.get("pipelineWarmupPasses").asInt());
        // with owners and node stats for the load, stage 2 decides during the throughput run (400 k samples of
        // 2 hosts x 64 blocks are 6 windows: CXL pages whose hot burst began in window 1 or later are promoted
        // after two hot windows, DRAM pages cooled by the churn demoted to make room)
        assertTrue(b.get("owners").asBoolean());
        assertTrue(b.get("pipelineDecisions").asLong() > 0, b.toString());
        assertEquals(0.01, b.get("churn").asDouble(), 1e-12);
        assertEquals(b.get("pipelineDecisions").asDouble() / 800000, b.get("decisionsPerSample").asDouble(), 1e-12);
        assertEquals("5", b.get("settings").get("streams.producer.linger.ms").asText());
    }

    @Test
    void badFlagsExitNonZero() {
        CliRun r = CliRun.run("bench", "--report-json", "x.json", "--samples", "5");
        assertTrue(r.exitCode() != 0 && r.err().contains("--samples"), r.toString());
        CliRun set = CliRun.run("bench", "--report-json", "x.json", "--set", "no.such.key=1");
        assertTrue(set.exitCode() != 0 && set.err().contains("no.such.key"), set.toString());
        CliRun value = CliRun.run("bench", "--report-json", "x.json", "--set", "window.ms=-1");
        assertTrue(value.exitCode() != 0 && value.err().contains("window.ms"), value.toString());
        CliRun churn = CliRun.run("bench", "--report-json", "x.json", "--churn", "2");
        assertTrue(churn.exitCode() != 0 && churn.err().contains("--churn"), churn.toString());
        CliRun repeats = CliRun.run("bench", "--report-json", "x.json", "--repeats", "0");
        assertTrue(repeats.exitCode() != 0 && repeats.err().contains("--repeats"), repeats.toString());
    }
}
