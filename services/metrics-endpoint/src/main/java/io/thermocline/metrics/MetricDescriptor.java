package io.thermocline.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * One metric of the catalogue: its Micrometer name, kind, unit, description and the tag keys every
 * meter of that name carries. The builders reject a tag set whose keys differ from {@link #tagKeys()}
 * (Prometheus needs one label set per metric name).
 */
public record MetricDescriptor(String name, Kind kind, String baseUnit, String description, List<String> tagKeys) {

    /** What sort of meter the name is registered as. */
    public enum Kind { COUNTER, GAUGE, TIMER, SUMMARY }

    public MetricDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        if (!name.startsWith(ThermoclineMetrics.PREFIX)) {
            throw new IllegalArgumentException(name + ": must start with " + ThermoclineMetrics.PREFIX);
        }
        if (description.isBlank()) {
            throw new IllegalArgumentException(name + ": description is empty");
        }
        tagKeys = List.copyOf(tagKeys);
    }

    /** The name Prometheus shows (dots to underscores; counters get {@code _total}, timers {@code _seconds_*}). */
    public String prometheusName() {
        String base = name.replace('.', '_');
        if (baseUnit != null && kind != Kind.COUNTER && kind != Kind.TIMER && !base.endsWith("_" + baseUnit)) {
            base = base + "_" + baseUnit;
        }
        return switch (kind) {
            case COUNTER -> (baseUnit == null || base.endsWith("_" + baseUnit) ? base : base + "_" + baseUnit) + "_total";
            case TIMER -> base + "_seconds";
            default -> base;
        };
    }

    public Counter counter(MeterRegistry registry, String... tags) {
        requireKind(Kind.COUNTER);
        return Counter.builder(name).description(description).baseUnit(baseUnit)
                .tags(checkedTags(tags)).register(registry);
    }

    public Timer timer(MeterRegistry registry, String... tags) {
        requireKind(Kind.TIMER);
        return Timer.builder(name).description(description).tags(checkedTags(tags)).register(registry);
    }

    public DistributionSummary summary(MeterRegistry registry, String... tags) {
        requireKind(Kind.SUMMARY);
        return DistributionSummary.builder(name).description(description).baseUnit(baseUnit)
                .tags(checkedTags(tags)).register(registry);
    }

    /** Registers a gauge; Micrometer holds {@code obj} weakly, so the caller must keep it referenced. */
    public <T> Gauge gauge(MeterRegistry registry, T obj, ToDoubleFunction<T> value, String... tags) {
        requireKind(Kind.GAUGE);
        return Gauge.builder(name, obj, value).description(description).baseUnit(baseUnit)
                .tags(checkedTags(tags)).register(registry);
    }

    /** Checks that {@code keyValues} are pairs whose keys are exactly {@link #tagKeys()}, in any order. */
    Tags checkedTags(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException(name + ": tags must be key/value pairs");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.add(keyValues[i]);
        }
        if (keys.size() != tagKeys.size() || !keys.containsAll(tagKeys)) {
            throw new IllegalArgumentException(name + ": tag keys " + keys + " differ from " + tagKeys);
        }
        return Tags.of(keyValues);
    }

    private void requireKind(Kind wanted) {
        if (kind != wanted) {
            throw new IllegalStateException(name + " is a " + kind + ", not a " + wanted);
        }
    }
}
