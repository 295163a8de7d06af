package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.thermocline.metrics.MetricDescriptor;
import io.thermocline.metrics.StreamsMetricsBinder;
import io.thermocline.metrics.ThermoclineMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard and the alert rules query only metrics the code registers. */
class DashboardTest {

    static final Pattern THERMOCLINE_SERIES = Pattern.compile("\\bthermocline_[a-z0-9_]+");
    static final JsonNode DASHBOARD = Repo.json(Repo.file("deploy/grafana/dashboards/thermocline-overview.json"));

    static List<String> dashboardExpressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : DASHBOARD.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                exprs.add(t.path("expr").asText());
            }
        }
        return exprs;
    }

    static List<String> alertExpressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode group : Repo.yaml(Repo.file("deploy/prometheus/alerts.yml")).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                exprs.add(rule.path("expr").asText());
            }
        }
        return exprs;
    }

    static Set<String> unknownSeries(List<String> exprs) {
        Set<String> unknown = new TreeSet<>();
        for (String e : exprs) {
            Matcher m = THERMOCLINE_SERIES.matcher(e);
            while (m.find()) {
                if (ThermoclineMetrics.byPrometheusName(m.group()).isEmpty()) {
                    unknown.add(m.group());
                }
            }
        }
        return unknown;
    }

    @Test
    void dashboardQueriesKnownMetrics() {
        List<String> exprs = dashboardExpressions();
        assertTrue(exprs.size() >= 10, "dashboard has " + exprs.size() + " queries");
        assertEquals(Set.of(), unknownSeries(exprs), "dashboard queries series no ThermoclineMetrics descriptor makes");
    }

    @Test
    void alertsQueryKnownMetrics() {
        assertFalse(alertExpressions().isEmpty());
        assertEquals(Set.of(), unknownSeries(alertExpressions()));
    }

    /** The metrics are on the dashboard: samples/s, decisions by reason, results by status, DLQ, lag, Streams, RocksDB. */
    @Test
    void dashboardCoversTheRequiredMetrics() {
        String all = String.join("\n", dashboardExpressions());
        for (MetricDescriptor d : List.of(ThermoclineMetrics.SAMPLES_PUBLISHED_METER, ThermoclineMetrics.DECISIONS_METER,
                ThermoclineMetrics.RESULTS_METER, ThermoclineMetrics.DLQ_RECORDS_METER,
                ThermoclineMetrics.CONSUMER_LAG_METER)) {
            assertTrue(all.contains(d.prometheusName()), "no panel for " + d.name());
        }
        assertTrue(all.contains("by (reason)"), "decisions by reason");
        assertTrue(all.contains("by (status)"), "results by status");
        // names and labels StreamsMetricsIT saw on a running Streams app with a RocksDB store
        assertTrue(all.contains("sum by (" + StreamsMetricsBinder.THREAD_LABEL + ") ("
                + StreamsMetricsBinder.THREAD_PROCESS_RATE + ")"), "Kafka Streams thread metrics");
        assertTrue(all.contains("sum by (" + StreamsMetricsBinder.ROCKSDB_STORE_LABEL + ") ("
                + StreamsMetricsBinder.ROCKSDB_ESTIMATED_KEYS + ")"), "RocksDB keys per store");
        assertTrue(all.contains("sum by (" + StreamsMetricsBinder.ROCKSDB_STORE_LABEL + ") ("
                + StreamsMetricsBinder.ROCKSDB_MEMTABLE_BYTES + ")"), "RocksDB memtables per store");
    }

    @Test
    void panelsAreWellFormed() {
        Set<Integer> ids = new HashSet<>();
        String dsUid = Repo.yaml(Repo.file("deploy/grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").get(0).path("uid").asText();
        for (JsonNode p : DASHBOARD.path("panels")) {
            assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
            assertEquals(dsUid, p.path("datasource").path("uid").asText(), p.path("title").asText());
            JsonNode g = p.path("gridPos");
            assertTrue(g.path("x").asInt() + g.path("w").asInt() <= 24, p.path("title") + " wider than the grid");
        }
        assertFalse(DASHBOARD.path("uid").asText().isEmpty());
    }

    @Test
    void theCheckCatchesAnUnknownSeries() {
        assertEquals(Set.of("thermocline_sampler_sample_published_total"),
                unknownSeries(List.of("rate(thermocline_sampler_sample_published_total[1m])")));
    }
}
