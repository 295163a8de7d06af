package io.thermocline.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Generates the files and the command line of one combined KRaft node (broker + controller):
 * {@code server.properties}, a log4j2 configuration and the JVM command. Pure functions, so the
 * unit test can check them without starting anything.
 */
public final class BrokerConfig {

    /** Node id of the single combined node. */
    public static final int NODE_ID = 1;
    public static final String LOOPBACK = "127.0.0.1";
    public static final String BROKER_LISTENER = "PLAINTEXT";
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Segment size for tests: Kafka 4.x refuses less than 1 MiB. */
    public static final int TEST_SEGMENT_BYTES = 8 * 1024 * 1024;
    /** The log cleaner allocates this per cleaner thread (Kafka's default is 128 MiB). */
    public static final int CLEANER_DEDUPE_BUFFER_BYTES = 16 * 1024 * 1024;
    /** Partitions of __consumer_offsets / __transaction_state: few, so first use is quick. */
    public static final int INTERNAL_TOPIC_PARTITIONS = 5;

    /** Main classes in kafka_2.13. */
    public static final String SERVER_MAIN = "kafka.Kafka";
    public static final String STORAGE_TOOL_MAIN = "kafka.tools.StorageTool";

    /** Keys the launcher owns: an override would break the ports, the data dir or the quorum. */
    public static final Set<String> MANAGED_KEYS = Set.of(
            "process.roles", "node.id", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "listeners", "advertised.listeners", "controller.listener.names",
            "listener.security.protocol.map", "inter.broker.listener.name", "log.dirs", "log.dir",
            "metadata.log.dir");

    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");
    private static final Pattern LOG_LEVEL = Pattern.compile("TRACE|DEBUG|INFO|WARN|ERROR|OFF");

    private BrokerConfig() {
    }

    /**
     * The broker's configuration.
     *
     * @param brokerPort     client listener port on 127.0.0.1
     * @param controllerPort KRaft controller listener port on 127.0.0.1
     * @param logDir         Kafka's data directory (log.dirs; the metadata log lives there too)
     * @param overrides      extra or replaced settings; must not touch {@link #MANAGED_KEYS}
     */
    public static Map<String, String> serverProperties(int brokerPort, int controllerPort, Path logDir,
                                                       Map<String, String> overrides) {
        checkPort(brokerPort, "brokerPort");
        checkPort(controllerPort, "controllerPort");
        if (brokerPort == controllerPort) {
            throw new IllegalArgumentException("broker and controller ports must differ: " + brokerPort);
        }
        Objects.requireNonNull(logDir, "logDir");
        for (String key : overrides.keySet()) {
            if (MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException("'" + key + "' is set by the launcher and cannot be overridden");
            }
        }
        Map<String, String> p = new LinkedHashMap<>();
        // combined KRaft node with a static single-voter quorum
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());

        // topics are created explicitly by the topic catalogue, never by a producer's typo
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // single node: every internal topic has one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");

        // small footprint for tests and the local run on a 2-core machine
        p.put("log.segment.bytes", Integer.toString(TEST_SEGMENT_BYTES));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(CLEANER_DEDUPE_BUFFER_BYTES));
        p.put("log.retention.check.interval.ms", "60000");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");

        p.putAll(overrides);
        return p;
    }

    /** {@code key=value} lines; keys and values here never need escaping except backslashes. */
    public static String toPropertiesText(Map<String, String> props) {
        StringBuilder sb = new StringBuilder("# written by io.thermocline.broker.KafkaBroker\n");
        props.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return sb.toString();
    }

    /** A log4j2 configuration (properties format) that writes the broker's log to {@code logFile}. */
    public static String log4j2Config(Path logFile, String level) {
        checkLogLevel(level);
        String file = logFile.toAbsolutePath().toString().replace("\\", "/");
        return String.join("\n",
                "# written by io.thermocline.broker.KafkaBroker",
                "status = warn",
                "name = thermocline-broker",
                "appender.file.type = File",
                "appender.file.name = FILE",
                "appender.file.fileName = " + file,
                "appender.file.append = true",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{ISO8601} %-5p [%t] %c{1}: %m%n",
                "rootLogger.level = " + level,
                "rootLogger.appenderRef.file.ref = FILE",
                // the per-request and per-segment chatter is not useful in tests
                "logger.request.name = kafka.request.logger",
                "logger.request.level = WARN",
                "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
                "logger.config.level = WARN",
                "");
    }

    /** JVM options for the child: heap, GC, logging config, and extra options. */
    public static List<String> jvmArgs(String heap, Path log4j2File, List<String> extra) {
        checkHeap(heap);
        List<String> args = new java.util.ArrayList<>(List.of(
                "-Xms64m",
                "-Xmx" + heap,
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4j2File.toAbsolutePath()));
        args.addAll(extra);
        return args;
    }

    static void checkPort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " out of range: " + port);
        }
    }

    static void checkHeap(String heap) {
        if (heap == null || !HEAP.matcher(heap).matches()) {
            throw new IllegalArgumentException("heap must look like 512m or 1g: " + heap);
        }
    }

    static void checkLogLevel(String level) {
        if (level == null || !LOG_LEVEL.matcher(level).matches()) {
            throw new IllegalArgumentException("log level must be one of " + LOG_LEVEL.pattern() + ": " + level);
        }
    }
}
