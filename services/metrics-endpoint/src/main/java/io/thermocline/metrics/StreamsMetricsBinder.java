package io.thermocline.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Binds a Kafka Streams application's metrics - threads, tasks, processors, state stores and the
 * RocksDB metrics of its stores ({@code kafka_stream_state_*}: estimate-num-keys, block-cache usage,
 * memtable sizes; with recording level DEBUG also bytes written/read, flush and compaction rates)
 * - to a registry. Only the Streams app loads this class (kafka-streams is optional here).
 */
public final class StreamsMetricsBinder {

    /**
     * Recording level that includes RocksDB statistics-based metrics. INFO (Kafka's default) still
     * reports RocksDB property metrics (sizes, key estimates, block cache).
     */
    public static final String ROCKSDB_RECORDING_LEVEL = "DEBUG";

    // Prometheus series and labels these binders produce (checked against a running app by
    // StreamsMetricsIT; the Grafana dashboard uses them)
    /** Records processed per second by a stream thread. */
    public static final String THREAD_PROCESS_RATE = "kafka_stream_thread_process_rate";
    /** RocksDB's estimate of the keys in a store (property metric, recording level INFO). */
    public static final String ROCKSDB_ESTIMATED_KEYS = "kafka_stream_state_estimate_num_keys";
    /** Bytes in a RocksDB store's memtables (property metric, recording level INFO). */
    public static final String ROCKSDB_MEMTABLE_BYTES = "kafka_stream_state_size_all_mem_tables";
    /** Label of the stream thread. */
    public static final String THREAD_LABEL = "thread_id";
    /** Label naming the RocksDB key-value store. */
    public static final String ROCKSDB_STORE_LABEL = "rocksdb_state_id";

    private StreamsMetricsBinder() {
    }

    public static KafkaStreamsMetrics bind(KafkaStreams streams, MeterRegistry registry) {
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(registry);
        return metrics;
    }

    /** Streams configs that turn on RocksDB statistics metrics; merge into the app's properties. */
    public static Map<String, Object> rocksDbStatisticsConfig() {
        return Map.of(StreamsConfig.METRICS_RECORDING_LEVEL_CONFIG, ROCKSDB_RECORDING_LEVEL);
    }
}
