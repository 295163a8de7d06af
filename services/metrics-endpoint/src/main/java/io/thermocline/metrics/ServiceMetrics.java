package io.thermocline.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's Prometheus registry: common tags {@code service} and {@code host} on every meter, JVM and
 * process metrics bound, and the binders it is given closed with it.
 */
public final class ServiceMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMetrics.class);

    /**
     * Kafka Streams' RocksDB "number-open-files" is a cumulative count that is always -1 (RocksDB no
     * longer has the ticker behind it); Micrometer binds it as a counter, and a negative counter makes
     * the whole Prometheus scrape fail. Denied here, before any meter is registered.
     */
    static final String BROKEN_ROCKSDB_OPEN_FILES = "kafka.stream.state.number.open.files";

    /** Prefix of the Kafka Streams state-store (RocksDB) meters. */
    static final String ROCKSDB_METERS = "kafka.stream.state";

    private final PrometheusMeterRegistry registry;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    private ServiceMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /** A registry tagged {@code service=<service>, host=<host>} with JVM, GC, thread, CPU, uptime and fd metrics. */
    public static ServiceMetrics create(String service, String host) {
        requireText(service, "service");
        requireText(host, "host");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(ThermoclineMetrics.TAG_SERVICE, service, ThermoclineMetrics.TAG_HOST, host)
                .meterFilter(MeterFilter.deny(id -> id.getName().equals(BROKEN_ROCKSDB_OPEN_FILES)))
                // window and session stores tag their RocksDB metrics rocksdb-window-state-id / -session-state-id;
                // Prometheus refuses a name whose series differ in label keys, so their metrics were dropped
                .meterFilter(MeterFilter.renameTag(ROCKSDB_METERS, "rocksdb.window.state.id", "rocksdb.state.id"))
                .meterFilter(MeterFilter.renameTag(ROCKSDB_METERS, "rocksdb.session.state.id", "rocksdb.state.id"));
        ServiceMetrics metrics = new ServiceMetrics(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        metrics.closeOnClose(gc);
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Closes {@code resource} (a binder, a lag recorder...) before the registry, in reverse order of adding. */
    public <T extends AutoCloseable> T closeOnClose(T resource) {
        closeables.push(Objects.requireNonNull(resource, "resource"));
        return resource;
    }

    @Override
    public void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
        registry.close();
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
