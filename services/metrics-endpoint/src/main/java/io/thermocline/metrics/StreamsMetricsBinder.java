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
