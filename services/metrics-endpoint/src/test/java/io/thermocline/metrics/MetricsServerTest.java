package io.thermocline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsAndHealth() throws Exception {
        AtomicBoolean kafkaUp = new AtomicBoolean(true);
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        checks.put("kafka", () -> kafkaUp.get() ? Health.healthy() : Health.unhealthy("broker \"b1\" unreachable"));
        checks.put("store", Health::healthy);
        try (ServiceMetrics metrics = ServiceMetrics.create("sampler", "node-a");
             MetricsServer server = MetricsServer.start(
                     new MetricsConfig(Map.of(MetricsConfig.METRICS_PORT, "0",
                             MetricsConfig.METRICS_BIND_ADDRESS, "127.0.0.1"), MetricsConfig.DEFAULT_PORT_SAMPLER),
                     metrics.registry(), HealthCheck.all(checks))) {
            ThermoclineMetrics.SAMPLES_PUBLISHED_METER.counter(metrics.registry(),
                    ThermoclineMetrics.TAG_SOURCE, "EMULATOR").increment(512);

            HttpResponse<String> m = get(server.port(), MetricsServer.METRICS_PATH, null);
            assertEquals(200, m.statusCode());
            assertEquals(MetricsServer.PROMETHEUS_TEXT, m.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(m.body().contains("thermocline_sampler_samples_published_total{host=\"node-a\","
                    + "service=\"sampler\",source=\"EMULATOR\"} 512.0"), m.body());
            assertTrue(m.body().contains("jvm_memory_used_bytes"), "JVM metrics bound");

            HttpResponse<String> om = get(server.port(), MetricsServer.METRICS_PATH,
                    "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
            assertEquals(MetricsServer.OPENMETRICS_TEXT, om.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(om.body().trim().endsWith("# EOF"), "OpenMetrics ends with # EOF");

            HttpResponse<String> up = get(server.port(), MetricsServer.HEALTH_PATH, null);
            assertEquals(200, up.statusCode());
            assertEquals("{\"status\":\"UP\",\"details\":{\"kafka\":\"UP\",\"store\":\"UP\"}}", up.body());

            kafkaUp.set(false);
            HttpResponse<String> down = get(server.port(), MetricsServer.HEALTH_PATH, null);
            assertEquals(503, down.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"details\":{\"kafka\":\"DOWN: broker \\\"b1\\\" unreachable\","
                    + "\"store\":\"UP\"}}", down.body());

            assertEquals(404, get(server.port(), "/metricsX", null).statusCode());
            assertEquals(404, get(server.port(), "/metrics/x", null).statusCode());
            assertEquals(404, get(server.port(), "/", null).statusCode());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void throwingHealthCheckIsDownNotAnError() throws Exception {
        try (ServiceMetrics metrics = ServiceMetrics.create("hotness", "h");
             MetricsServer server = MetricsServer.start(new java.net.InetSocketAddress("127.0.0.1", 0),
                     metrics.registry(), () -> {
                         throw new IllegalStateException("streams not RUNNING");
                     })) {
            HttpResponse<String> r = get(server.port(), MetricsServer.HEALTH_PATH, null);
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("streams not RUNNING"), r.body());
        }
    }

    @Test
    void configValidatesAndDisables() {
        assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> new MetricsConfig(Map.of(MetricsConfig.METRICS_PORT, "70000"), 9400));
        MetricsConfig off = new MetricsConfig(Map.of(MetricsConfig.METRICS_PORT, "-1"), 9400);
        try (ServiceMetrics metrics = ServiceMetrics.create("migrator", "h")) {
            assertThrows(IllegalStateException.class,
                    () -> MetricsServer.start(off, metrics.registry(), HealthCheck.alwaysUp()));
        }
        assertEquals(MetricsConfig.DEFAULT_PORT_MIGRATOR,
                new MetricsConfig(Map.of(), MetricsConfig.DEFAULT_PORT_MIGRATOR).port());
        assertThrows(IllegalArgumentException.class, () -> ServiceMetrics.create(" ", "h"));
    }
}
