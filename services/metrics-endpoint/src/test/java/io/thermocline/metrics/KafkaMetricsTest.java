package io.thermocline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaMetricsTest {

    @Test
    void consumerLagPerAssignedPartition() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MockConsumer<String, String> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        TopicPartition p0 = new TopicPartition("tc.decisions", 0);
        TopicPartition p1 = new TopicPartition("tc.decisions", 1);
        consumer.assign(List.of(p0, p1));
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        consumer.updateEndOffsets(Map.of(p0, 10L, p1, 4L));
        for (int i = 0; i < 3; i++) {
            consumer.addRecord(new ConsumerRecord<>(p0.topic(), 0, i, "k", "v"));
        }
        consumer.poll(Duration.ZERO);

        try (ConsumerLagRecorder lag = new ConsumerLagRecorder(registry)) {
            long total = lag.record(consumer);
            assertEquals(7 + 4, total);
            assertEquals(7.0, lagOf(registry, "0"));
            assertEquals(4.0, lagOf(registry, "1"));

            consumer.assign(List.of(p1));
            assertEquals(4, lag.record(consumer));
            assertTrue(registry.find(ThermoclineMetrics.CONSUMER_LAG).tag(ThermoclineMetrics.TAG_PARTITION, "0")
                    .gauges().isEmpty(), "unassigned partition removed");
            assertTrue(registry.scrape().contains(
                    "thermocline_consumer_lag_records{partition=\"1\",topic=\"tc.decisions\"} 4.0"));
        }
        assertTrue(registry.find(ThermoclineMetrics.CONSUMER_LAG).gauges().isEmpty());
        registry.close();
    }

    private static double lagOf(PrometheusMeterRegistry registry, String partition) {
        Gauge g = registry.get(ThermoclineMetrics.CONSUMER_LAG).tag(ThermoclineMetrics.TAG_PARTITION, partition).gauge();
        return g.value();
    }

    /** A real producer (no broker needed until it sends) exposes its client metrics through the binder. */
    @Test
    void producerClientMetricsAreBound() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "metrics-test");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer());
             KafkaClientMetrics bound = KafkaMetricsBinders.bind(producer, registry)) {
            Set<String> names = new java.util.TreeSet<>();
            registry.getMeters().forEach(m -> names.add(m.getId().getName()));
            assertTrue(names.stream().anyMatch(n -> n.startsWith("kafka.producer.")), names.toString());
            assertFalse(registry.find("kafka.producer.record.send.total").meters().isEmpty(), names.toString());
            assertTrue(registry.scrape().contains("client_id=\"metrics-test\""));
            producer.close(Duration.ZERO);
        }
        registry.close();
    }
}
