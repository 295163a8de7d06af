package io.thermocline.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.thermocline.broker.KafkaBroker;

/**
 * One real Kafka broker ({@link KafkaBroker}) and one real Confluent-compatible schema registry
 * ({@link RegistryServerProcess}), both child JVMs on 127.0.0.1, started in parallel. Used by the
 * local run and, through {@link io.thermocline.cluster.junit.LocalClusterExtension}, by every IT.
 *
 * <p>Layout of the work directory: {@code kafka/} (the broker's data dir, logs in
 * {@code kafka/logs/}), {@code registry/} (registry log).
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

    public static final String KAFKA_DIR = "kafka";
    public static final String REGISTRY_DIR = "registry";
    /** Client property naming the registry, as Confluent's serdes call it. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final Path workDir;
    private final boolean deleteOnClose;
    private final KafkaBroker broker;
    private final RegistryServerProcess registry;
    private final Duration startupTime;
    private Admin admin;
    private boolean closed;

    private LocalCluster(Path workDir, boolean deleteOnClose, KafkaBroker broker, RegistryServerProcess registry,
                         Duration startupTime) {
        this.workDir = workDir;
        this.deleteOnClose = deleteOnClose;
        this.broker = broker;
        this.registry = registry;
        this.startupTime = startupTime;
    }

    /** Starts broker and registry with default settings; {@code workDir} is kept on close. */
    public static LocalCluster start(Path workDir) throws IOException {
        return builder().workDir(workDir).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** {@code http://127.0.0.1:PORT/apis/ccompat/v7}: the Confluent Schema Registry API. */
    public String registryUrl() {
        return registry.url();
    }

    public Path workDir() {
        return workDir;
    }

    public KafkaBroker broker() {
        return broker;
    }

    public RegistryServerProcess registry() {
        return registry;
    }

    /** Wall time until both children served. */
    public Duration startupTime() {
        return startupTime;
    }

    /** A fresh property set with {@code bootstrap.servers} and {@code schema.registry.url}. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(SCHEMA_REGISTRY_URL_CONFIG, registryUrl());
        return p;
    }

    /** An AdminClient shared by callers of this cluster; closed with the cluster (do not close it). */
    public synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("cluster is closed");
        }
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "thermocline-local-cluster");
            admin = Admin.create(p);
        }
        return admin;
    }

    /**
     * Creates the topics and waits until they exist. A topic that already exists is left as it is
     * (the cluster is shared by many test classes), so this is safe to repeat.
     *
     * @return the names of the topics this call created
     */
    public Set<String> createTopics(Collection<NewTopic> topics) {
        if (topics.isEmpty()) {
            return Set.of();
        }
        Map<String, KafkaFuture<Void>> futures = admin().createTopics(topics).values();
        Set<String> created = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> e : futures.entrySet()) {
            try {
                e.getValue().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                created.add(e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    failures.add(e.getKey() + ": " + ex.getCause());
                }
            } catch (TimeoutException ex) {
                failures.add(e.getKey() + ": not created within " + TOPIC_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", ex);
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not create topics: " + String.join("; ", failures));
        }
        return created;
    }

    /** Stops registry and broker (in parallel); deletes the work directory when it was a temp one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        CompletableFuture<Void> stopRegistry = CompletableFuture.runAsync(registry::close);
        broker.close();
        stopRegistry.join();
        if (deleteOnClose) {
            deleteTree(workDir);
        }
        LOG.info("local cluster stopped ({})", workDir);
    }

    @Override
    public String toString() {
        return "LocalCluster[kafka " + bootstrapServers() + ", registry " + registryUrl() + ", " + workDir + "]";
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }

    /** Settings for a {@link LocalCluster}. */
    public static final class Builder {
        private Path workDir;
        private Path registryJar;
        private String brokerHeap;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Where broker data and logs go (kept on close). Default: a temp dir, deleted on close. */
        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir, "workDir");
            return this;
        }

        /** The registry's runner jar. Default: {@link RegistryServerProcess#locateRunnerJar()}. */
        public Builder registryJar(Path jar) {
            this.registryJar = Objects.requireNonNull(jar, "registryJar");
            return this;
        }

        public Builder brokerHeap(String heap) {
            this.brokerHeap = heap;
            return this;
        }

        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /** Starts the broker and the registry in parallel; on failure stops whichever did start. */
        public LocalCluster start() throws IOException {
            long t0 = System.nanoTime();
            boolean temp = workDir == null;
            Path dir = temp ? Files.createTempDirectory("thermocline-cluster-") : Files.createDirectories(workDir);
            Path jar = registryJar != null ? registryJar : RegistryServerProcess.locateRunnerJar();
            KafkaBroker.Builder kb = KafkaBroker.builder(dir.resolve(KAFKA_DIR)).properties(brokerProperties);
            if (brokerHeap != null) {
                kb.heap(brokerHeap);
            }

            CompletableFuture<RegistryServerProcess> registryFuture = CompletableFuture.supplyAsync(() -> {
                try {
                    return RegistryServerProcess.start(jar, dir.resolve(REGISTRY_DIR));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            KafkaBroker broker;
            try {
                broker = kb.start();
            } catch (IOException | RuntimeException e) {
                closeQuietly(registryFuture);
                throw e;
            }
            RegistryServerProcess registry;
            try {
                registry = registryFuture.join();
            } catch (CompletionException e) {
                broker.close();
                Throwable cause = e.getCause();
                if (cause instanceof UncheckedIOException u) {
                    throw u.getCause();
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException("schema registry did not start", cause);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            LocalCluster cluster = new LocalCluster(dir, temp, broker, registry, took);
            LOG.info("local cluster up in {} ms (broker {} ms, registry {} ms): {}", took.toMillis(),
                    broker.startupTime().toMillis(), registry.startupTime().toMillis(), cluster);
            return cluster;
        }

        private static void closeQuietly(CompletableFuture<RegistryServerProcess> f) {
            try {
                f.join().close();
            } catch (RuntimeException ignored) {
                // it failed to start too: nothing to stop
            }
        }
    }
}
