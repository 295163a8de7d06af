package io.thermocline.hotness;

import io.thermocline.hotness.errors.DeadLetters;
import io.thermocline.hotness.errors.DlqDeserializationHandler;
import io.thermocline.hotness.errors.DlqProcessingHandler;
import io.thermocline.topics.SerdeFactory;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka Streams properties of the hotness application (also used by the in-process drivers). */
public final class StreamsProperties {

    /** Prefix of original config keys passed through to Kafka Streams unchanged. */
    public static final String STREAMS_PREFIX = "streams.";

    private StreamsProperties() {
    }

    public static Properties of(HotnessConfig config, SerdeFactory serdes) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(HotnessConfig.BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(HotnessConfig.STATE_DIR));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(HotnessConfig.NUM_THREADS));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.getShort(HotnessConfig.REPLICATION_FACTOR));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getLong(HotnessConfig.COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, config.getLong(HotnessConfig.CACHE_MAX_BYTES));
        p.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_BYTES_CONFIG),
                config.getInt(HotnessConfig.CHANGELOG_SEGMENT_BYTES));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqDeserializationHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProcessingHandler.class);
        p.put(DeadLetters.SERDE_FACTORY_CONFIG, serdes);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // process what is buffered without first fetching the lag of empty inputs (owners, moves, node stats are
        // mostly idle): windows close per host by markers and event time, not by cross-topic timestamp order
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // changelog records are whole blocks (~3 KB): 16 KB batches held five, and the broker spent more CPU on
        // the app's produce requests than on the samples themselves (bench: broker 4.4 s -> 1.7 s of CPU per 16 M
        // samples with both settings)
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // sample batches are ~2.6 KB records arriving at tens of MB/s: the consumers' default 1 MB per partition per
        // fetch and 1,000 records per poll left the stream threads waiting on fetches (bench, 16 M samples: 12.0 ->
        // 14.2 M samples/s sustained, 89 -> 72 ns of stream-thread CPU per sample); a fetch response stays capped
        // by fetch.max.bytes per consumer
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 16 << 20);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 64 << 20);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        // pass-through: "streams.X" originals become Streams/client property X (e.g. streams.producer.transaction.timeout.ms)
        config.originalsWithPrefix(STREAMS_PREFIX).forEach(p::put);
        String server = config.getString(HotnessConfig.APPLICATION_SERVER);
        if (server.isEmpty() && config.httpPort() > 0) {
            server = "localhost:" + config.httpPort();
        }
        if (!server.isEmpty()) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server);
        }
        return p;
    }
}
