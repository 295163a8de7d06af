package io.thermocline.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.thermocline.broker.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Kafka Streams app with a RocksDB store, against a real broker: the binder bound before start
 * picks up the thread and RocksDB metrics once they exist, under the names and labels the dashboard uses.
 */
class StreamsMetricsIT {

    static final String TOPIC = "metrics-it-input";
    static final String STORE = "metrics-it-counts";
    static final String WINDOW_STORE = "metrics-it-windowed-counts";
    static final int RECORDS = 200;
    static final int KEYS = 20;
    static final Duration METRICS_TIMEOUT = Duration.ofSeconds(150);

    @Test
    void streamsAndRocksDbMetricsReachTheScrape(@TempDir Path tmp) throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            StreamsBuilder builder = new StreamsBuilder();
            KStream<String, String> in = builder.stream(TOPIC, Consumed.with(Serdes.String(), Serdes.String()));
            in.groupByKey().count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STORE));
            // a window store too: its RocksDB metrics carry another tag key, which Prometheus used to refuse
            in.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMinutes(1)))
                    .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(WINDOW_STORE));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-it");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString());
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            props.putAll(StreamsMetricsBinder.rocksDbStatisticsConfig());

            try (ServiceMetrics metrics = ServiceMetrics.create("hotness", "it");
                 KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
                KafkaStreamsMetrics bound = metrics.closeOnClose(StreamsMetricsBinder.bind(streams, metrics.registry()));
                assertTrue(bound != null);
                streams.start();
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new StringSerializer(), new StringSerializer())) {
                    for (int i = 0; i < RECORDS; i++) {
                        producer.send(new ProducerRecord<>(TOPIC, "k" + (i % KEYS), "v"));
                    }
                }
                Pattern thread = Pattern.compile("(?m)^" + StreamsMetricsBinder.THREAD_PROCESS_RATE + "\\{.*"
                        + StreamsMetricsBinder.THREAD_LABEL + "=\"[^\"]+\".*\\} ");
                Pattern keys = Pattern.compile("(?m)^" + StreamsMetricsBinder.ROCKSDB_ESTIMATED_KEYS + "\\{.*"
                        + StreamsMetricsBinder.ROCKSDB_STORE_LABEL + "=\"" + STORE + "\".*\\} ([0-9.E]+)$");
                Pattern memtables = Pattern.compile("(?m)^" + StreamsMetricsBinder.ROCKSDB_MEMTABLE_BYTES + "\\{.*"
                        + StreamsMetricsBinder.ROCKSDB_STORE_LABEL + "=\"" + STORE + "\".*\\} ");
                Pattern windowMemtables = Pattern.compile("(?m)^" + StreamsMetricsBinder.ROCKSDB_MEMTABLE_BYTES + "\\{.*"
                        + StreamsMetricsBinder.ROCKSDB_STORE_LABEL + "=\"" + WINDOW_STORE + "\".*\\} ");
                long deadline = System.nanoTime() + METRICS_TIMEOUT.toNanos();
                String scrape = "";
                boolean found = false;
                while (System.nanoTime() < deadline && !found) {
                    try {
                        scrape = metrics.registry().scrape();
                    } catch (IllegalArgumentException e) {
                        streams.metrics().forEach((n, m) -> {
                            Object v = m.metricValue();
                            if (v instanceof Number num && num.doubleValue() < 0) {
                                System.out.println("NEGATIVE " + n.group() + " " + n.name() + " " + n.tags() + " = " + v);
                            }
                        });
                        throw e;
                    }
                    var k = keys.matcher(scrape);
                    found = thread.matcher(scrape).find() && memtables.matcher(scrape).find()
                            && windowMemtables.matcher(scrape).find()
                            && k.find() && Double.parseDouble(k.group(1)) > 0;
                    if (!found) {
                        Thread.sleep(1_000);
                    }
                }
                String s = scrape;
                assertTrue(found, () -> "thread and RocksDB metrics missing after " + METRICS_TIMEOUT + "; kafka_stream"
                        + " series seen:\n" + s.lines().filter(l -> l.startsWith("kafka_stream")).map(l -> l.replaceAll("\\{.*", ""))
                        .distinct().sorted().reduce("", (a, b) -> a + b + "\n"));
            }
        }
    }
}
