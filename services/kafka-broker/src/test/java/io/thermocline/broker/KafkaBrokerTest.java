package io.thermocline.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config generation and classpath resolution; starts no broker. */
class KafkaBrokerTest {

    @TempDir
    Path tmp;

    @Test
    void serverPropertiesDescribeACombinedSingleNodeOnLoopback() {
        Map<String, String> p = BrokerConfig.serverProperties(40001, 40002, tmp.resolve("kafka-logs"), Map.of());
        assertEquals("broker,controller", p.get("process.roles"));
        assertEquals("1@127.0.0.1:40002", p.get("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002", p.get("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:40001", p.get("advertised.listeners"));
        assertEquals("CONTROLLER", p.get("controller.listener.names"));
        assertEquals(tmp.resolve("kafka-logs").toAbsolutePath().toString(), p.get("log.dirs"));
        assertEquals("false", p.get("auto.create.topics.enable"));
        assertEquals("1", p.get("offsets.topic.replication.factor"));
        assertEquals("1", p.get("transaction.state.log.replication.factor"));
        assertEquals("1", p.get("transaction.state.log.min.isr"));
        assertEquals("0", p.get("group.initial.rebalance.delay.ms"));
        assertTrue(Integer.parseInt(p.get("log.segment.bytes")) >= 1024 * 1024, "Kafka 4 refuses segments < 1 MiB");
    }

    @Test
    void overridesReplaceDefaultsButNotManagedKeys() {
        Map<String, String> p = BrokerConfig.serverProperties(40001, 40002, tmp,
                Map.of("num.partitions", "3", "log.retention.ms", "1000"));
        assertEquals("3", p.get("num.partitions"));
        assertEquals("1000", p.get("log.retention.ms"));
        for (String key : List.of("listeners", "log.dirs", "process.roles", "node.id", "controller.quorum.voters")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BrokerConfig.serverProperties(40001, 40002, tmp, Map.of(key, "x")));
            assertTrue(e.getMessage().contains(key), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> KafkaBroker.builder(tmp).property(key, "x"));
        }
    }

    @Test
    void portsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.serverProperties(40001, 40001, tmp, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.serverProperties(0, 40001, tmp, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.serverProperties(40001, 70000, tmp, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> KafkaBroker.builder(tmp).ports(-1, 0));
    }

    @Test
    void propertiesTextRoundTripsThroughJavaUtilProperties() throws IOException {
        Map<String, String> p = BrokerConfig.serverProperties(40001, 40002, Path.of("/data/with space"), Map.of());
        Properties parsed = new Properties();
        parsed.load(new StringReader(BrokerConfig.toPropertiesText(p)));
        assertEquals(p.size(), parsed.size());
        p.forEach((k, v) -> assertEquals(v, parsed.getProperty(k), k));
    }

    @Test
    void log4j2ConfigWritesToTheGivenFileAtTheGivenLevel() throws IOException {
        Path log = tmp.resolve("logs/server.log");
        String text = BrokerConfig.log4j2Config(log, "WARN");
        Properties parsed = new Properties();
        parsed.load(new StringReader(text));
        assertEquals(log.toAbsolutePath().toString(), parsed.getProperty("appender.file.fileName"));
        assertEquals("WARN", parsed.getProperty("rootLogger.level"));
        assertEquals("FILE", parsed.getProperty("rootLogger.appenderRef.file.ref"));
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.log4j2Config(log, "LOUD"));
    }

    @Test
    void jvmArgsCarryHeapAndLoggingConfig() {
        Path cfg = tmp.resolve("log4j2.properties");
        List<String> args = BrokerConfig.jvmArgs("256m", cfg, List.of("-Dx=y"));
        assertTrue(args.contains("-Xmx256m"), args.toString());
        assertTrue(args.contains("-Dlog4j2.configurationFile=" + cfg.toAbsolutePath()), args.toString());
        assertEquals("-Dx=y", args.get(args.size() - 1));
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.jvmArgs("lots", cfg, List.of()));
        assertThrows(IllegalArgumentException.class, () -> KafkaBroker.builder(tmp).heap("0m"));
    }

    @Test
    void buildTimeClasspathHasTheServerTheBindingAndNoSecondBackend() throws IOException {
        List<Path> cp = BrokerClasspath.resolve();
        assertTrue(cp.stream().anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-")), cp.toString());
        assertTrue(cp.stream().anyMatch(p -> p.getFileName().toString().startsWith("kafka-server-")), cp.toString());
        assertTrue(cp.stream().anyMatch(p -> p.getFileName().toString().startsWith("log4j-slf4j2-impl-")), cp.toString());
        assertTrue(cp.stream().anyMatch(p -> p.getFileName().toString().startsWith("zstd-jni-")), cp.toString());
        assertFalse(cp.stream().anyMatch(p -> p.toString().contains("logback")), "child must have one backend: " + cp);
        assertFalse(cp.stream().anyMatch(p -> p.toString().contains("junit")), cp.toString());
        assertEquals(cp.size(), cp.stream().distinct().count());
        cp.forEach(p -> assertTrue(Files.isRegularFile(p), p.toString()));
    }

    @Test
    void classpathWithAMissingJarIsRefusedWithItsName() throws IOException {
        Path present = Files.createFile(tmp.resolve("a.jar"));
        Path absent = tmp.resolve("gone.jar");
        IOException e = assertThrows(IOException.class,
                () -> BrokerClasspath.parse(present + ":" + absent, "test"));
        assertTrue(e.getMessage().contains("gone.jar"), e.getMessage());
        assertEquals(List.of(present), BrokerClasspath.parse(present + ":" + present + "\n", "test"));
    }

    @Test
    void rssOfThisJvmIsReadFromProc() {
        OptionalLong rss = KafkaBroker.readRssBytes(ProcessHandle.current().pid());
        if (Files.isDirectory(Path.of("/proc/self"))) {
            assertTrue(rss.isPresent() && rss.getAsLong() > 1024 * 1024, String.valueOf(rss));
        }
        assertTrue(KafkaBroker.readRssBytes(Long.MAX_VALUE).isEmpty());
    }

    @Test
    void parentWatchClassIsCopiedIntoItsOwnClasspathDir() throws IOException {
        Path dir = KafkaBroker.Builder.installParentWatch(tmp.resolve("launcher"));
        Path cls = dir.resolve("io/thermocline/broker/child/ParentWatch.class");
        assertTrue(Files.size(cls) > 0);
        try (var entries = Files.walk(dir)) {
            assertEquals(1, entries.filter(Files::isRegularFile).count(), "only the watch class goes to the child");
        }
    }

    @Test
    void tailGivesTheLastLines() throws IOException {
        Path f = tmp.resolve("log");
        Files.writeString(f, "1\n2\n3\n4\n");
        assertEquals("3\n4", KafkaBroker.tail(f, 2));
        assertTrue(KafkaBroker.tail(tmp.resolve("none"), 2).contains("does not exist"));
    }
}
