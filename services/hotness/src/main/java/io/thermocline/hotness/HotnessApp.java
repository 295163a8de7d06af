package io.thermocline.hotness;

import io.thermocline.hotness.errors.UncaughtHandler;
import io.thermocline.hotness.iq.QueryServer;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.TopicAdmin;
import io.thermocline.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import io.micrometer.core.instrument.Metrics;
import io.thermocline.metrics.Health;
import io.thermocline.metrics.MetricsConfig;
import io.thermocline.metrics.MetricsServer;
import io.thermocline.metrics.ServiceMetrics;
import io.thermocline.metrics.StreamsMetricsBinder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.config.ConfigException;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hotness service: one Kafka Streams instance of {@link HotnessTopology} plus its interactive-query
 * endpoint. Configure with an optional properties file (first argument) and TC_HOTNESS_* variables.
 */
public final class HotnessApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HotnessApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    static final String SERVICE = "hotness";

    private final HotnessConfig config;
    private final KafkaStreams streams;
    private final QueryServer queries;
    private final ServiceMetrics metrics;
    private MetricsServer metricsServer;

    public HotnessApp(HotnessConfig config, SerdeFactory serdes) throws IOException {
        this.config = config;
        LOG.info("hotness config {}", config.masked());
        Properties props = StreamsProperties.of(config, serdes);
        Topology topology = HotnessTopology.build(new StreamsBuilder(), config, serdes).build(props);
        LOG.info("hotness topology:\n{}", topology.describe());
        this.streams = new KafkaStreams(topology, props);
        // Prometheus registry: JVM, Kafka Streams/client/RocksDB metrics, and the topology's own meters, which
        // the processors record on Micrometer's global registry (the topology stays a pure builder)
        this.metrics = ServiceMetrics.create(SERVICE, props.getProperty(
                org.apache.kafka.streams.StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationId()));
        metrics.closeOnClose(StreamsMetricsBinder.bind(streams, metrics.registry()));
        Metrics.globalRegistry.add(metrics.registry());
        streams.setUncaughtExceptionHandler(new UncaughtHandler());
        streams.setStateListener((now, before) -> LOG.info("streams state {} -> {}", before, now));
        String server = props.getProperty(org.apache.kafka.streams.StreamsConfig.APPLICATION_SERVER_CONFIG);
        if (config.httpPort() > 0 && server != null) {
            this.queries = new QueryServer(streams, HostInfo.buildFromEndpoint(server), config.httpPort(),
                    config.blockShift());
        } else {
            this.queries = null;
        }
    }

    /**
     * Creates missing catalogue topics (tc.page-access with {@code partitions} partitions), checks that
     * tc.page-access can be read directly (one host per task), then starts Streams and the query endpoint.
     */
    public HotnessApp start() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.getString(HotnessConfig.BOOTSTRAP_SERVERS)))) {
            short rf = config.getShort(HotnessConfig.REPLICATION_FACTOR);
            TopicAdmin.ensureTopics(admin, List.of(Topics.PAGE_ACCESS), config.partitions(), rf);
            TopicAdmin.ensureTopics(admin, Topics.ALL, 0, rf);
            if (!config.accessRepartition()) {
                int n = admin.describeTopics(List.of(Topics.PAGE_ACCESS.name())).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get(Topics.PAGE_ACCESS.name()).partitions().size();
                if (n != config.partitions()) {
                    throw new ConfigException(Topics.PAGE_ACCESS.name() + " has " + n + " partitions but "
                            + HotnessConfig.PARTITIONS + "=" + config.partitions() + ": set " + HotnessConfig.PARTITIONS
                            + "=" + n + " (the samplers partition it by host), or " + HotnessConfig.ACCESS_REPARTITION
                            + "=true to repartition it");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted describing " + Topics.PAGE_ACCESS.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + Topics.PAGE_ACCESS.name() + ": " + e.getMessage(), e);
        }
        streams.start();
        if (queries != null) {
            queries.start();
        }
        MetricsConfig mc = new MetricsConfig(config.originals(), MetricsConfig.DEFAULT_PORT_HOTNESS);
        if (mc.enabled()) {
            metricsServer = MetricsServer.start(mc, metrics.registry(), () -> {
                KafkaStreams.State st = streams.state();
                return st == KafkaStreams.State.RUNNING || st == KafkaStreams.State.REBALANCING
                        ? Health.healthy() : Health.unhealthy("streams " + st);
            });
        }
        return this;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Port of /metrics and /health; -1 when off or not started. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public int queryPort() {
        return queries == null ? -1 : queries.port();
    }

    @Override
    public void close() {
        if (queries != null) {
            queries.close();
        }
        streams.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT));
        if (metricsServer != null) {
            metricsServer.close();
        }
        Metrics.globalRegistry.remove(metrics.registry());
        metrics.close();
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> base = new HashMap<>();
        if (args.length > 0) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                file.load(in);
            }
            file.forEach((k, v) -> base.put(k.toString(), v));
        }
        HotnessConfig config = HotnessConfig.fromEnv(base, System.getenv());
        HotnessApp app = new HotnessApp(config, RegistrySerdes.of(config)).start();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            done.countDown();
        }, "hotness-shutdown"));
        done.await();
    }
}
