package io.thermocline.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * One counter per enum constant under one metric name, all registered up front so every series
 * exists (at 0) from the start and {@code rate()} works on the first increment. For example
 * decisions by reason or results by status:
 * {@code EnumCounters.of(registry, ThermoclineMetrics.RESULTS_METER, MigrationStatus.class)}.
 */
public final class EnumCounters<E extends Enum<E>> {

    private final Map<E, Counter> counters;

    private EnumCounters(Map<E, Counter> counters) {
        this.counters = counters;
    }

    /** The descriptor must have exactly one tag key; its values are the constants' names. */
    public static <E extends Enum<E>> EnumCounters<E> of(MeterRegistry registry, MetricDescriptor descriptor,
                                                         Class<E> type) {
        if (descriptor.tagKeys().size() != 1) {
            throw new IllegalArgumentException(descriptor.name() + " has tags " + descriptor.tagKeys()
                    + "; EnumCounters needs exactly one");
        }
        String key = descriptor.tagKeys().get(0);
        Map<E, Counter> counters = new EnumMap<>(type);
        for (E value : type.getEnumConstants()) {
            counters.put(value, descriptor.counter(registry, key, value.name()));
        }
        return new EnumCounters<>(counters);
    }

    public void increment(E value) {
        counters.get(value).increment();
    }

    public void increment(E value, double amount) {
        counters.get(value).increment(amount);
    }

    public double count(E value) {
        return counters.get(value).count();
    }
}
