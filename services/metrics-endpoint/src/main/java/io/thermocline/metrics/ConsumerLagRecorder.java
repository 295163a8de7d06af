package io.thermocline.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes {@link ThermoclineMetrics#CONSUMER_LAG} per assigned partition. A consumer is not
 * thread-safe, so the poll loop calls {@link #record(Consumer)} after each {@code poll()}; partitions
 * no longer assigned disappear from the gauge, and a partition whose lag the consumer does not know
 * yet (no fetch so far) is left out rather than reported as 0.
 */
public final class ConsumerLagRecorder implements AutoCloseable {

    private final MultiGauge gauge;

    public ConsumerLagRecorder(MeterRegistry registry) {
        MetricDescriptor d = ThermoclineMetrics.CONSUMER_LAG_METER;
        this.gauge = MultiGauge.builder(d.name()).description(d.description()).baseUnit(d.baseUnit())
                .register(registry);
    }

    /** Refreshes the gauge from the consumer's cached lag; returns the total lag over known partitions. */
    public long record(Consumer<?, ?> consumer) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                total += lag.getAsLong();
                rows.add(MultiGauge.Row.of(Tags.of(ThermoclineMetrics.TAG_TOPIC, tp.topic(),
                        ThermoclineMetrics.TAG_PARTITION, Integer.toString(tp.partition())), lag.getAsLong()));
            }
        }
        gauge.register(rows, true);
        return total;
    }

    @Override
    public void close() {
        gauge.register(List.of(), true);
    }
}
