package io.thermocline.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Confluent-compatible schema registry (Apicurio Registry 2.4.2.Final with in-memory
 * storage, built by {@code services/registry-server}) running as a child JVM on a free port of
 * 127.0.0.1. Used by the integration tests and the local run.
 *
 * <pre>{@code
 * try (RegistryServerProcess registry =
 *          RegistryServerProcess.start(RegistryServerProcess.locateRunnerJar(), workDir)) {
 *     String url = registry.url(); // http://127.0.0.1:PORT/apis/ccompat/v7
 * }
 * }</pre>
 *
 * <p>Only JDK classes and slf4j-api are used. The child cannot outlive this JVM: a shutdown hook
 * stops it if the caller never gets to {@link #close()}, and the child exits by itself when its
 * stdin (a pipe from this JVM) reaches end-of-file, which covers a SIGKILLed parent too.
 */
public final class RegistryServerProcess implements AutoCloseable {

    /** System property naming the runner jar (the parent POM's failsafe config sets it). */
    public static final String JAR_PROPERTY = "thermocline.registry.jar";
    /** Environment variable naming the runner jar. */
    public static final String JAR_ENV = "THERMOCLINE_REGISTRY_JAR";
    /** System property naming the repository root (set by failsafe), searched before user.dir. */
    public static final String PROJECT_DIR_PROPERTY = "thermocline.project.dir";
    /** The runner jar relative to the repository root. */
    public static final String RELATIVE_JAR = "services/registry-server/target/quarkus-app/quarkus-run.jar";
    /** The Confluent-compatible API's base path. */
    public static final String API_PATH = "/apis/ccompat/v7";
    /** The file in the work directory that receives the child's stdout and stderr. */
    public static final String LOG_FILE = "registry.log";

    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final String MAX_HEAP = "-Xmx256m";
    /**
     * C1 only: on the 2-core machines the registry was ready in 3.5-5.5 s instead of 5-12 s and
     * used ~25 MiB less RSS (150 vs 180 MiB); its light test load does not need C2.
     */
    private static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";
    private static final String LOOPBACK = "127.0.0.1";
    private static final int LOG_TAIL_LINES = 60;
    /**
     * Tells the child (services/registry-server's StdinEofWatch) to exit when its stdin, a pipe
     * this JVM holds open and never writes to, reaches end-of-file.
     */
    private static final String EXIT_ON_STDIN_EOF = "thermocline.registry.exit-on-stdin-eof";
    /** A port picked free can be taken by someone else before the child binds it: retry then. */
    private static final int PORT_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(RegistryServerProcess.class);

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private boolean closed;

    private RegistryServerProcess(Process process, int port, Path logFile, Duration startupTime,
                                  Thread shutdownHook) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.startupTime = startupTime;
        this.shutdownHook = shutdownHook;
    }

    /**
     * Finds the runner jar: system property {@value #JAR_PROPERTY}, environment variable
     * {@value #JAR_ENV}, then {@value #RELATIVE_JAR} under {@value #PROJECT_DIR_PROPERTY} and
     * under user.dir and each of its parents.
     *
     * @throws IllegalStateException naming every place looked at when none has the jar
     */
    public static Path locateRunnerJar() {
        return locateRunnerJar(System.getProperty(JAR_PROPERTY), System.getenv(JAR_ENV),
                System.getProperty(PROJECT_DIR_PROPERTY), Path.of(System.getProperty("user.dir")));
    }

    static Path locateRunnerJar(String property, String env, String projectDir, Path startDir) {
        List<String> lookedAt = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        if (isSet(property)) {
            candidates.add(Path.of(property));
            lookedAt.add("system property " + JAR_PROPERTY + "=" + property);
        } else {
            lookedAt.add("system property " + JAR_PROPERTY + " (not set)");
        }
        if (isSet(env)) {
            candidates.add(Path.of(env));
            lookedAt.add("environment variable " + JAR_ENV + "=" + env);
        } else {
            lookedAt.add("environment variable " + JAR_ENV + " (not set)");
        }
        if (isSet(projectDir)) {
            Path p = Path.of(projectDir).resolve(RELATIVE_JAR);
            candidates.add(p);
            lookedAt.add(p.toString());
        }
        for (Path dir = startDir.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(RELATIVE_JAR);
            candidates.add(p);
            lookedAt.add(p.toString());
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("Apicurio registry runner jar not found; build it with "
                + "'./mvnw -pl services/registry-server -am install -DskipTests'. Looked at:\n  "
                + String.join("\n  ", lookedAt));
    }

    private static boolean isSet(String s) {
        return s != null && !s.isBlank();
    }

    /**
     * Starts the registry on a free port of 127.0.0.1 and waits until {@code GET {url}/subjects}
     * answers 200.
     *
     * @param runnerJar {@code quarkus-run.jar} of services/registry-server
     * @param workDir   directory for {@value #LOG_FILE}; created when missing
     * @throws IOException when the child cannot start, exits early or is not ready within
     *                     {@link #START_TIMEOUT}; the message carries the tail of its log
     */
    public static RegistryServerProcess start(Path runnerJar, Path workDir) throws IOException {
        if (!Files.isRegularFile(runnerJar)) {
            throw new IOException("registry runner jar does not exist: " + runnerJar);
        }
        Files.createDirectories(workDir);
        Path logFile = workDir.resolve(LOG_FILE);
        IOException last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            try {
                return startOnce(runnerJar, logFile, freeLoopbackPort());
            } catch (PortTakenException e) {
                LOG.warn("registry port was taken before the child bound it (attempt {}/{})",
                        attempt, PORT_ATTEMPTS);
                last = e;
            }
        }
        throw last;
    }

    private static RegistryServerProcess startOnce(Path runnerJar, Path logFile, int port) throws IOException {
        List<String> command = List.of(
                javaExecutable(),
                MAX_HEAP,
                QUICK_JIT,
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dquarkus.http.host=" + LOOPBACK,
                "-Dquarkus.http.port=" + port,
                "-D" + EXIT_ON_STDIN_EOF + "=true",
                "-jar", runnerJar.toString());
        LOG.info("starting schema registry on {}:{} (log: {})", LOOPBACK, port, logFile);
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .start();
        Thread hook = new Thread(() -> stop(process), "registry-server-shutdown-" + process.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            awaitReady(process, baseUrl(port), logFile);
        } catch (IOException | RuntimeException e) {
            stop(process);
            removeHook(hook);
            throw e;
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("schema registry pid {} ready at {} after {} ms", process.pid(), baseUrl(port),
                startup.toMillis());
        return new RegistryServerProcess(process, port, logFile, startup, hook);
    }

    private static void awaitReady(Process process, String url, Path logFile) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url + "/subjects"))
                .timeout(REQUEST_TIMEOUT).GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = logTail(logFile);
                String message = "schema registry exited with code " + process.exitValue()
                        + " before it was ready; tail of " + logFile + ":\n" + tail;
                if (tail.toLowerCase(Locale.ROOT).contains("address already in use")
                        || tail.contains("Port already bound")) {
                    throw new PortTakenException(message);
                }
                throw new IOException(message);
            }
            try {
                HttpResponse<Void> response = http.send(probe, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastProblem = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastProblem = e.toString(); // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the schema registry", e);
            }
            sleep(POLL_INTERVAL);
        }
        throw new IOException("schema registry not ready at " + url + " within "
                + START_TIMEOUT.toSeconds() + " s (last: " + lastProblem + "); tail of " + logFile
                + ":\n" + logTail(logFile));
    }

    /** The Confluent-compatible API's base URL, {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
    public String url() {
        return baseUrl(port);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** The child's combined stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /** From process start until the first 200 from {@code /subjects}. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the child: SIGTERM, up to {@link #STOP_TIMEOUT} to exit, then SIGKILL. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process);
        removeHook(shutdownHook);
        LOG.info("schema registry pid {} stopped", process.pid());
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("schema registry pid {} did not stop within {} s; killing it",
                        process.pid(), STOP_TIMEOUT.toSeconds());
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (or ran) anyway
        }
    }

    private static String baseUrl(int port) {
        return "http://" + LOOPBACK + ":" + port + API_PATH;
    }

    /** The java launcher of this JVM, so the child runs on the same runtime. */
    static String javaExecutable() {
        Optional<String> command = ProcessHandle.current().info().command();
        if (command.isPresent() && Files.isExecutable(Path.of(command.get()))) {
            return command.get();
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK, e);
        }
    }

    static String logTail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the schema registry", e);
        }
    }

    /** The child could not bind the port chosen for it. */
    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
