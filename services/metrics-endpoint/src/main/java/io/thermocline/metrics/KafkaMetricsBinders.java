package io.thermocline.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Binds a Kafka client's own metrics (Micrometer's {@link KafkaClientMetrics}: request rates, batch
 * sizes, {@code kafka_consumer_fetch_manager_records_lag_max}, ...) to a registry. Close the returned
 * binder before the client (or hand it to {@link ServiceMetrics#closeOnClose}).
 */
public final class KafkaMetricsBinders {

    private KafkaMetricsBinders() {
    }

    public static KafkaClientMetrics bind(Producer<?, ?> producer, MeterRegistry registry) {
        return bound(new KafkaClientMetrics(producer), registry);
    }

    public static KafkaClientMetrics bind(Consumer<?, ?> consumer, MeterRegistry registry) {
        return bound(new KafkaClientMetrics(consumer), registry);
    }

    public static KafkaClientMetrics bind(AdminClient admin, MeterRegistry registry) {
        return bound(new KafkaClientMetrics(admin), registry);
    }

    private static KafkaClientMetrics bound(KafkaClientMetrics metrics, MeterRegistry registry) {
        metrics.bindTo(registry);
        return metrics;
    }
}
