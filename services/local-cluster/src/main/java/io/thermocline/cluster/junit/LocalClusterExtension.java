package io.thermocline.cluster.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.thermocline.cluster.LocalCluster;

/**
 * Injects a {@link LocalCluster} into test constructors, test methods and
 * {@code @BeforeAll}/{@code @BeforeEach} methods:
 *
 * <pre>{@code
 * @ExtendWith(LocalClusterExtension.class)
 * class RoundTripIT {
 *     @Test void roundTrip(LocalCluster cluster) { ... cluster.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * <p>ONE cluster per test JVM: started on first use, kept in the root context's store (shared by
 * every test class of the run), closed when the root context closes at the end of the run. A
 * start that failed is remembered, so later classes fail fast with the same cause instead of
 * each waiting for another timeout.
 *
 * <p>Work directory: {@value #WORK_DIR_PROPERTY} when set, else {@code target/local-cluster/run-PID}
 * when the working directory has a {@code target/} (Maven), else a temp dir. Leftover
 * {@code run-*} directories of dead JVMs are removed; the current one is kept after the run so
 * broker and registry logs can be read.
 */
public final class LocalClusterExtension implements ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(LocalClusterExtension.class);

    public static final String WORK_DIR_PROPERTY = "thermocline.cluster.dir";
    static final String RUN_PREFIX = "run-";
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalClusterExtension.class);
    private static final String KEY = "cluster";

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        try {
            return cluster(extensionContext);
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage(), e.getCause());
        }
    }

    /** The shared cluster of this test run, started on first call. */
    public static LocalCluster cluster(ExtensionContext context) {
        Holder holder = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, k -> Holder.start(), Holder.class);
        return holder.get();
    }

    /** The stored value: the cluster or why it could not start; closed by JUnit with the root store. */
    static final class Holder implements AutoCloseable {
        private final LocalCluster cluster;
        private final Exception failure;

        private Holder(LocalCluster cluster, Exception failure) {
            this.cluster = cluster;
            this.failure = failure;
        }

        static Holder start() {
            try {
                return new Holder(LocalCluster.builder().workDir(workDir()).start(), null);
            } catch (IOException | RuntimeException e) {
                LOG.error("local cluster failed to start", e);
                return new Holder(null, e);
            }
        }

        LocalCluster get() {
            if (cluster == null) {
                throw new ExtensionConfigurationException("local cluster (Kafka + schema registry) did not start: "
                        + failure.getMessage(), failure);
            }
            return cluster;
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    static Path workDir() throws IOException {
        String configured = System.getProperty(WORK_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return Files.createTempDirectory("thermocline-cluster-");
        }
        Path base = Files.createDirectories(target.resolve("local-cluster"));
        removeDeadRuns(base);
        return base.resolve(RUN_PREFIX + ProcessHandle.current().pid()).toAbsolutePath();
    }

    /** Deletes run-PID directories whose JVM is gone. */
    static void removeDeadRuns(Path base) throws IOException {
        try (Stream<Path> runs = Files.list(base)) {
            runs.filter(p -> p.getFileName().toString().startsWith(RUN_PREFIX)).forEach(p -> {
                String pid = p.getFileName().toString().substring(RUN_PREFIX.length());
                boolean alive;
                try {
                    alive = ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
                } catch (NumberFormatException e) {
                    return;
                }
                if (!alive) {
                    deleteTree(p);
                }
            });
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }
}
