package io.thermocline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ThermoclineMetricsTest {

    @Test
    void everyNameConstantHasExactlyOneDescriptor() throws IllegalAccessException {
        Set<String> constants = new HashSet<>();
        for (Field f : ThermoclineMetrics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                    && !f.getName().startsWith("TAG_") && !f.getName().equals("PREFIX")) {
                constants.add((String) f.get(null));
            }
        }
        Set<String> described = ThermoclineMetrics.ALL.stream().map(MetricDescriptor::name).collect(Collectors.toSet());
        assertEquals(constants, described);
        assertEquals(ThermoclineMetrics.ALL.size(), described.size(), "duplicate descriptor");
        Set<String> promNames = ThermoclineMetrics.ALL.stream().map(MetricDescriptor::prometheusName)
                .collect(Collectors.toSet());
        assertEquals(ThermoclineMetrics.ALL.size(), promNames.size(), "two metrics share a Prometheus name");
    }

    @Test
    void requiredNames() {
        assertEquals("thermocline.sampler.samples.published", ThermoclineMetrics.SAMPLES_PUBLISHED);
        assertEquals(List.of(ThermoclineMetrics.TAG_REASON), ThermoclineMetrics.DECISIONS_METER.tagKeys());
        assertEquals(List.of(ThermoclineMetrics.TAG_STATUS), ThermoclineMetrics.RESULTS_METER.tagKeys());
    }

    /** prometheusName() must be what the Prometheus registry really exposes (the dashboard relies on it). */
    @Test
    void prometheusNamesMatchTheScrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicLong gaugeValue = new AtomicLong(7);
        for (MetricDescriptor d : ThermoclineMetrics.ALL) {
            String[] tags = d.tagKeys().stream().flatMap(k -> java.util.stream.Stream.of(k, "X"))
                    .toArray(String[]::new);
            switch (d.kind()) {
                case COUNTER -> d.counter(registry, tags).increment();
                case TIMER -> d.timer(registry, tags).record(3, TimeUnit.MILLISECONDS);
                case SUMMARY -> d.summary(registry, tags).record(1);
                case GAUGE -> d.gauge(registry, gaugeValue, AtomicLong::doubleValue, tags);
                default -> throw new AssertionError(d.kind());
            }
        }
        String scrape = registry.scrape();
        for (MetricDescriptor d : ThermoclineMetrics.ALL) {
            String sample = d.kind() == MetricDescriptor.Kind.TIMER ? d.prometheusName() + "_count" : d.prometheusName();
            assertTrue(scrape.lines().anyMatch(l -> l.startsWith(sample + "{") || l.startsWith(sample + " ")),
                    () -> sample + " not in scrape:\n" + scrape);
            assertTrue(scrape.contains("# HELP " + stripTotal(d.prometheusName()) + " " + d.description())
                            || scrape.contains("# HELP " + d.prometheusName() + " " + d.description()),
                    () -> "no HELP with the description for " + d.name());
            assertEquals(d, ThermoclineMetrics.byPrometheusName(sample).orElseThrow());
        }
        assertFalse(ThermoclineMetrics.byPrometheusName("thermocline_nothing_total").isPresent());
        registry.close();
    }

    @Test
    void wrongTagKeysAndKindsAreRejected() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        assertThrows(IllegalArgumentException.class,
                () -> ThermoclineMetrics.DECISIONS_METER.counter(registry, ThermoclineMetrics.TAG_STATUS, "MOVED"));
        assertThrows(IllegalArgumentException.class, () -> ThermoclineMetrics.DECISIONS_METER.counter(registry));
        assertThrows(IllegalArgumentException.class,
                () -> ThermoclineMetrics.DECISIONS_METER.counter(registry, ThermoclineMetrics.TAG_REASON));
        assertThrows(IllegalStateException.class, () -> ThermoclineMetrics.RESULTS_METER.timer(registry,
                ThermoclineMetrics.TAG_STATUS, "MOVED"));
        assertThrows(IllegalArgumentException.class, () -> new MetricDescriptor("other.name",
                MetricDescriptor.Kind.COUNTER, null, "x", List.of()));
        registry.close();
    }

    enum Status { MOVED, STALE_PFN, PINNED }

    @Test
    void enumCountersRegisterEveryValueUpFront() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EnumCounters<Status> results = EnumCounters.of(registry, ThermoclineMetrics.RESULTS_METER, Status.class);
        results.increment(Status.STALE_PFN);
        results.increment(Status.STALE_PFN, 2);
        assertEquals(3.0, results.count(Status.STALE_PFN));
        assertEquals(0.0, results.count(Status.MOVED));
        String scrape = registry.scrape();
        String name = ThermoclineMetrics.RESULTS_METER.prometheusName();
        assertTrue(scrape.contains(name + "{status=\"STALE_PFN\"} 3.0"), scrape);
        assertTrue(scrape.contains(name + "{status=\"PINNED\"} 0.0"), scrape);
        assertThrows(IllegalArgumentException.class,
                () -> EnumCounters.of(registry, ThermoclineMetrics.PIN_CONFLICTS_METER, Status.class));
        registry.close();
    }

    private static String stripTotal(String name) {
        return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    }
}
