package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/topics (the compose one-shot) must create exactly the catalogue's topics. */
class TopicFilesTest {

    static final Path CSV = Repo.file("deploy/topics/topics.csv");
    static final Path SCRIPT = Repo.file("deploy/topics/create-topics.sh");

    /** The CSV line the catalogue wants for a topic. */
    static String csvLine(TopicSpec<?, ?> t) {
        String retention = t.configs().getOrDefault(TopicConfig.RETENTION_MS_CONFIG, "");
        return t.name() + "," + t.partitions() + "," + t.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG) + ","
                + retention;
    }

    @Test
    void csvIsTheCatalogue() throws IOException {
        List<String> lines = Files.readAllLines(CSV).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        List<String> expected = Topics.ALL.stream().map(TopicFilesTest::csvLine).toList();
        assertEquals(expected, lines, "deploy/topics/topics.csv differs from io.thermocline.topics.Topics; "
                + "expected lines:\n" + String.join("\n", expected));
    }

    /** Runs the real script with a stand-in kafka-topics tool that records its arguments. */
    @Test
    void scriptCreatesEveryTopicWithItsConfigs(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("calls.log");
        Path tool = fakeKafkaTopics(tmp, log, 0);
        Process p = run(tool, "5");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("topics-init: " + Topics.ALL.size() + " topics ensured on broker:9092"), out);

        List<String> creates = new ArrayList<>();
        for (String call : Files.readAllLines(log)) {
            if (call.contains("--create")) {
                creates.add(call);
            }
        }
        assertEquals(Topics.ALL.size(), creates.size(), String.join("\n", creates));
        for (int i = 0; i < creates.size(); i++) {
            TopicSpec<?, ?> t = Topics.ALL.get(i);
            String call = creates.get(i);
            assertTrue(call.contains("--bootstrap-server broker:9092 "), call);
            assertTrue(call.contains("--if-not-exists"), call);
            assertTrue(call.contains("--topic " + t.name() + " "), call);
            assertTrue(call.contains("--partitions " + t.partitions() + " "), call);
            assertTrue(call.contains("--replication-factor 3"), call);
            t.configs().forEach((k, v) -> assertTrue(call.contains("--config " + k + "=" + v), call + " lacks " + k));
            if (!t.configs().containsKey(TopicConfig.RETENTION_MS_CONFIG)) {
                assertTrue(!call.contains("retention.ms"), call);
            }
        }
    }

    @Test
    void scriptFailsWhenTheBrokerNeverAnswers(@TempDir Path tmp) throws Exception {
        Path tool = fakeKafkaTopics(tmp, tmp.resolve("calls.log"), 1);
        Process p = run(tool, "0");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue());
        assertTrue(out.contains("broker broker:9092 not reachable"), out);
    }

    private static Process run(Path tool, String waitSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().put("BOOTSTRAP_SERVERS", "broker:9092");
        pb.environment().put("REPLICATION_FACTOR", "3");
        pb.environment().put("KAFKA_TOPICS", tool.toString());
        pb.environment().put("WAIT_SECONDS", waitSeconds);
        return pb.start();
    }

    /** A kafka-topics stand-in: logs its argv; {@code --list} exits with {@code listExit}. */
    private static Path fakeKafkaTopics(Path dir, Path log, int listExit) throws IOException {
        Path tool = dir.resolve("kafka-topics.sh");
        Files.writeString(tool, "#!/usr/bin/env bash\n"
                + "echo \"$*\" >> '" + log + "'\n"
                + "for a in \"$@\"; do [ \"$a\" = --list ] && exit " + listExit + "; done\n"
                + "exit 0\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tool;
    }
}
