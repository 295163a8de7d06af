package io.thermocline.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.thermocline.broker.child.ParentWatch;

/**
 * A real Apache Kafka node (KRaft, combined broker + controller) running in a child JVM.
 *
 * <p>{@link #start(Path)} formats the storage under the data directory (once), picks free ports
 * on 127.0.0.1, starts {@code kafka.Kafka} with the classpath from {@link BrokerClasspath}, and
 * returns when an AdminClient's describeCluster succeeds. {@link #close()} sends SIGTERM, waits,
 * then kills. A shutdown hook stops the child when this JVM exits without closing it; when this
 * JVM dies without running hooks (SIGKILL, crash) the child notices end-of-file on its stdin
 * ({@link ParentWatch}) and shuts down by itself.
 *
 * <p>Layout of the data directory: {@code server.properties}, {@code log4j2.properties},
 * {@code kafka-logs/} (Kafka's data), {@code launcher/} (ParentWatch), {@code logs/server.log} (broker log),
 * {@code logs/stdout.log} (child stdout/stderr), {@code logs/format.log}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** System property (seconds) replacing {@link #DEFAULT_STARTUP_TIMEOUT}, for slow or crowded machines. */
    public static final String STARTUP_TIMEOUT_PROPERTY = "thermocline.broker.startupTimeoutSeconds";
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    public static final String DEFAULT_HEAP = "512m";
    public static final String DEFAULT_LOG_LEVEL = "INFO";

    public static final String SERVER_PROPERTIES = "server.properties";
    public static final String LOG4J2_PROPERTIES = "log4j2.properties";
    public static final String KAFKA_LOGS_DIR = "kafka-logs";
    public static final String LOGS_DIR = "logs";
    public static final String SERVER_LOG = "server.log";
    public static final String STDOUT_LOG = "stdout.log";
    public static final String FORMAT_LOG = "format.log";
    /** Written by the storage tool; its presence means "already formatted". */
    public static final String META_PROPERTIES = "meta.properties";
    /** Holds the one class of ours that the child runs: see {@link ParentWatch}. */
    public static final String PARENT_WATCH_DIR = "launcher";

    /** Attempts with fresh ports when a picked port was taken before the child bound it. */
    static final int PORT_ATTEMPTS = 3;
    static final int LOG_TAIL_LINES = 40;
    /** The storage tool runs for a second: the C1 compiler alone starts it faster. */
    static final String FORMAT_JIT_OPTION = "-XX:TieredStopAtLevel=1";
    private static final Duration READY_POLL = Duration.ofMillis(200);
    private static final Duration PORT_POLL = Duration.ofMillis(50);
    private static final Duration READY_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Path dataDir;
    private final Process process;
    private final String bootstrapServers;
    private final int brokerPort;
    private final int controllerPort;
    private final Duration startupTime;
    private final Duration stopTimeout;
    private final Thread reaper;
    private volatile boolean closed;

    private KafkaBroker(Path dataDir, Process process, int brokerPort, int controllerPort,
                        Duration startupTime, Duration stopTimeout, Thread reaper) {
        this.dataDir = dataDir;
        this.process = process;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.bootstrapServers = BrokerConfig.LOOPBACK + ":" + brokerPort;
        this.startupTime = startupTime;
        this.stopTimeout = stopTimeout;
        this.reaper = reaper;
    }

    /** Starts a broker with default settings in {@code dataDir} (created if missing). */
    public static KafkaBroker start(Path dataDir) throws IOException {
        return builder(dataDir).start();
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** {@code 127.0.0.1:PORT} of the client listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public long pid() {
        return process.pid();
    }

    /** Wall time from {@code start} to serving (including formatting the storage on first use). */
    public Duration startupTime() {
        return startupTime;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path serverLog() {
        return dataDir.resolve(LOGS_DIR).resolve(SERVER_LOG);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Resident set size of the child (VmRSS in /proc), empty where /proc is not there. */
    public OptionalLong rssBytes() {
        return readRssBytes(process.pid());
    }

    /** Stops the child: SIGTERM, wait up to the stop timeout, then SIGKILL. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        boolean clean = stopProcess(process, stopTimeout);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run: nothing to undo
        }
        LOG.info("Kafka broker {} (pid {}) stopped {} in {} ms", bootstrapServers, process.pid(),
                clean ? "cleanly" : "by force", Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + ", pid " + process.pid() + ", " + dataDir + "]";
    }

    /** SIGTERM, wait, SIGKILL; true when the process ended within the timeout. */
    static boolean stopProcess(Process p, Duration timeout) {
        if (!p.isAlive()) {
            return true;
        }
        p.destroy();
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warn("Kafka broker pid {} ignored SIGTERM for {} s; killing it", p.pid(), timeout.toSeconds());
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return false;
    }

    static OptionalLong readRssBytes(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024L);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return OptionalLong.empty();
    }

    /** A free TCP port on 127.0.0.1 (free now; the child binds it a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(BrokerConfig.LOOPBACK))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** The last {@code lines} lines of a file, or a note that it is missing. */
    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(" + file + " does not exist)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static boolean portAccepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(BrokerConfig.LOOPBACK, port), (int) PORT_POLL.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Settings for one broker; {@link #start()} launches it. */
    public static final class Builder {
        private final Path dataDir;
        private String heap = DEFAULT_HEAP;
        private String logLevel = DEFAULT_LOG_LEVEL;
        private Duration startupTimeout = Duration.ofSeconds(
                Long.getLong(STARTUP_TIMEOUT_PROPERTY, DEFAULT_STARTUP_TIMEOUT.toSeconds()));
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private int brokerPort;
        private int controllerPort;
        private List<Path> classpath;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
        }

        /** Child JVM max heap, e.g. {@code 512m}. */
        public Builder heap(String heap) {
            BrokerConfig.checkHeap(heap);
            this.heap = heap;
            return this;
        }

        /** Root level of the broker's log file (INFO by default). */
        public Builder logLevel(String level) {
            BrokerConfig.checkLogLevel(level);
            this.logLevel = level;
            return this;
        }

        /** Adds or replaces one broker setting (not the ones in {@link BrokerConfig#MANAGED_KEYS}). */
        public Builder property(String key, String value) {
            if (BrokerConfig.MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException("'" + key + "' is set by the launcher and cannot be overridden");
            }
            overrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder properties(Map<String, String> props) {
            props.forEach(this::property);
            return this;
        }

        /** Extra child JVM options. */
        public Builder jvmOptions(Collection<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = requirePositive(timeout, "startupTimeout");
            return this;
        }

        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = requirePositive(timeout, "stopTimeout");
            return this;
        }

        /** Fixed ports instead of free ones (0 = pick a free one). */
        public Builder ports(int broker, int controller) {
            if (broker != 0) {
                BrokerConfig.checkPort(broker, "brokerPort");
            }
            if (controller != 0) {
                BrokerConfig.checkPort(controller, "controllerPort");
            }
            this.brokerPort = broker;
            this.controllerPort = controller;
            return this;
        }

        /** Replaces the classpath of the child (default: {@link BrokerClasspath#resolve()}). */
        public Builder classpath(List<Path> entries) {
            this.classpath = List.copyOf(entries);
            return this;
        }

        private static Duration requirePositive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        public KafkaBroker start() throws IOException {
            long t0 = System.nanoTime();
            List<Path> cp = classpath != null ? classpath : BrokerClasspath.resolve();
            String cpArg = BrokerClasspath.join(cp);
            Path logs = Files.createDirectories(dataDir.resolve(LOGS_DIR));
            Path kafkaLogs = Files.createDirectories(dataDir.resolve(KAFKA_LOGS_DIR));
            Path log4j2 = dataDir.resolve(LOG4J2_PROPERTIES);
            Files.writeString(log4j2, BrokerConfig.log4j2Config(logs.resolve(SERVER_LOG), logLevel));
            List<String> jvm = BrokerConfig.jvmArgs(heap, log4j2, jvmOptions);
            Path watchDir = installParentWatch(dataDir.resolve(PARENT_WATCH_DIR));

            boolean pickPorts = brokerPort == 0 || controllerPort == 0;
            IOException last = null;
            for (int attempt = 1; attempt <= (pickPorts ? PORT_ATTEMPTS : 1); attempt++) {
                int bp = brokerPort != 0 ? brokerPort : freePort();
                int cport = controllerPort != 0 ? controllerPort : freePort();
                while (cport == bp) {
                    cport = freePort();
                }
                Path serverProps = dataDir.resolve(SERVER_PROPERTIES);
                Files.writeString(serverProps, BrokerConfig.toPropertiesText(
                        BrokerConfig.serverProperties(bp, cport, kafkaLogs, overrides)));
                if (!Files.exists(kafkaLogs.resolve(META_PROPERTIES))) {
                    format(cpArg, jvm, serverProps, logs.resolve(FORMAT_LOG));
                }
                Path stdout = logs.resolve(STDOUT_LOG);
                List<String> cmd = new ArrayList<>();
                cmd.add(javaExecutable().toString());
                cmd.addAll(jvm);
                cmd.add("-cp");
                cmd.add(watchDir + java.io.File.pathSeparator + cpArg);
                cmd.add(ParentWatch.class.getName());
                cmd.add(BrokerConfig.SERVER_MAIN);
                cmd.add(serverProps.toString());
                Process p = new ProcessBuilder(cmd)
                        .directory(dataDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                        .start();
                Thread reaper = new Thread(() -> stopProcess(p, Duration.ofSeconds(5)), "kafka-broker-reaper-" + p.pid());
                Runtime.getRuntime().addShutdownHook(reaper);
                LOG.info("Kafka broker starting: pid {}, 127.0.0.1:{} (controller {}), data {}", p.pid(), bp, cport, dataDir);
                try {
                    awaitServing(p, bp, t0);
                } catch (IOException e) {
                    stopProcess(p, Duration.ofSeconds(5));
                    Runtime.getRuntime().removeShutdownHook(reaper);
                    last = e;
                    if (pickPorts && portClash(logs)) {
                        LOG.warn("Kafka broker: a picked port was taken meanwhile; retrying with new ports");
                        continue;
                    }
                    throw e;
                }
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                KafkaBroker broker = new KafkaBroker(dataDir, p, bp, cport, took, stopTimeout, reaper);
                OptionalLong rss = broker.rssBytes();
                LOG.info("Kafka broker serving at {} after {} ms (pid {}, RSS {} MiB)", broker.bootstrapServers(),
                        took.toMillis(), p.pid(), rss.isPresent() ? rss.getAsLong() >> 20 : "?");
                return broker;
            }
            throw last;
        }

        /**
         * Copies the {@link ParentWatch} class file (from whatever jar holds it) into {@code dir}, a
         * classpath directory of its own: the child gets that one class, nothing else of ours.
         */
        static Path installParentWatch(Path dir) throws IOException {
            String resource = ParentWatch.class.getName().replace('.', '/') + ".class";
            Path target = dir.resolve(resource);
            Files.createDirectories(target.getParent());
            try (java.io.InputStream in = ParentWatch.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("class file " + resource + " not found on the classpath");
                }
                Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return dir;
        }

        private void awaitServing(Process p, int port, long t0) throws IOException {
            long deadline = t0 + startupTimeout.toNanos();
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BrokerConfig.LOOPBACK + ":" + port);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READY_REQUEST_TIMEOUT.toMillis());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_REQUEST_TIMEOUT.toMillis());
            props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
            props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "thermocline-broker-readiness");
            String lastError = "no attempt yet";
            // wait for the listener first: an AdminClient polling a closed port logs a warning per try
            while (!portAccepts(port) && System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IOException("Kafka broker (pid " + p.pid() + ") exited with code " + p.exitValue()
                            + " before serving" + logTails());
                }
                lastError = "port " + port + " not accepting connections";
                sleep(PORT_POLL);
            }
            try (Admin admin = Admin.create(props)) {
                while (System.nanoTime() < deadline) {
                    if (!p.isAlive()) {
                        throw new IOException("Kafka broker (pid " + p.pid() + ") exited with code " + p.exitValue()
                                + " before serving" + logTails());
                    }
                    try {
                        Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions()
                                        .timeoutMs((int) READY_REQUEST_TIMEOUT.toMillis()))
                                .nodes().get(READY_REQUEST_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
                        if (!nodes.isEmpty()) {
                            return;
                        }
                        lastError = "describeCluster returned no nodes";
                    } catch (ExecutionException | TimeoutException e) {
                        lastError = String.valueOf(e.getCause() != null ? e.getCause() : e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for the Kafka broker", e);
                    }
                    sleep(READY_POLL);
                }
            }
            throw new IOException("Kafka broker (pid " + p.pid() + ") not serving on 127.0.0.1:" + port + " after "
                    + startupTimeout.toSeconds() + " s (last error: " + lastError + ")" + logTails());
        }

        private void format(String cpArg, List<String> jvm, Path serverProps, Path formatLog) throws IOException {
            String clusterId = Uuid.randomUuid().toString();
            List<String> cmd = new ArrayList<>();
            cmd.add(javaExecutable().toString());
            cmd.addAll(jvm);
            cmd.add(FORMAT_JIT_OPTION);
            cmd.add("-cp");
            cmd.add(cpArg);
            cmd.add(BrokerConfig.STORAGE_TOOL_MAIN);
            cmd.addAll(List.of("format", "--cluster-id", clusterId, "--config", serverProps.toString(),
                    "--ignore-formatted"));
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(formatLog.toFile()))
                    .start();
            try {
                if (!p.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("Kafka storage format did not finish in " + FORMAT_TIMEOUT.toSeconds()
                            + " s:\n" + tail(formatLog, LOG_TAIL_LINES));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while formatting Kafka storage", e);
            }
            if (p.exitValue() != 0) {
                throw new IOException("Kafka storage format failed (exit " + p.exitValue() + "):\n"
                        + tail(formatLog, LOG_TAIL_LINES));
            }
            LOG.info("Kafka storage formatted (cluster id {}) in {} ms", clusterId,
                    Duration.ofNanos(System.nanoTime() - t0).toMillis());
        }

        private boolean portClash(Path logs) {
            String text = tail(logs.resolve(SERVER_LOG), 200) + tail(logs.resolve(STDOUT_LOG), 200);
            return text.contains("Address already in use") || text.contains("BindException");
        }

        private String logTails() {
            Path logs = dataDir.resolve(LOGS_DIR);
            return "\n--- tail of " + logs.resolve(SERVER_LOG) + " ---\n" + tail(logs.resolve(SERVER_LOG), LOG_TAIL_LINES)
                    + "\n--- tail of " + logs.resolve(STDOUT_LOG) + " ---\n" + tail(logs.resolve(STDOUT_LOG), LOG_TAIL_LINES);
        }

        private static void sleep(Duration d) throws IOException {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the Kafka broker", e);
            }
        }
    }

    /**
     * Runs one broker in the foreground until this JVM is stopped:
     * {@code java -cp ... io.thermocline.broker.KafkaBroker --data-dir D [--heap 512m] [--property k=v]...}.
     * Prints {@code bootstrap=127.0.0.1:PORT} once it serves.
     */
    public static void main(String[] args) throws Exception {
        Path dataDir = null;
        List<String[]> props = new ArrayList<>();
        String heap = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--data-dir" -> dataDir = Path.of(requireValue(args, ++i, a));
                case "--heap" -> heap = requireValue(args, ++i, a);
                case "--property" -> {
                    String kv = requireValue(args, ++i, a);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--property wants key=value: " + kv);
                    }
                    props.add(new String[] {kv.substring(0, eq), kv.substring(eq + 1)});
                }
                case "-h", "--help" -> {
                    System.out.println("usage: KafkaBroker [--data-dir DIR] [--heap 512m] [--property key=value]...");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        if (dataDir == null) {
            dataDir = Files.createTempDirectory("thermocline-kafka-");
        }
        Builder b = builder(dataDir);
        if (heap != null) {
            b.heap(heap);
        }
        for (String[] kv : props) {
            b.property(kv[0], kv[1]);
        }
        KafkaBroker broker = b.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
        System.out.println("bootstrap=" + broker.bootstrapServers());
        System.out.println("pid=" + broker.pid());
        System.out.println("data=" + broker.dataDir());
        System.out.println("startup_ms=" + broker.startupTime().toMillis());
        System.out.flush();
        int code = broker.process.waitFor();
        if (!broker.closed) {
            System.err.println("Kafka broker exited with code " + code + "; see " + broker.serverLog());
            System.exit(code == 0 ? 1 : code);
        }
    }

    private static String requireValue(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
