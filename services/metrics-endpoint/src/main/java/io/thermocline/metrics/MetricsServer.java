package io.thermocline.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a service: {@code GET /metrics} (Prometheus text, or OpenMetrics when the
 * scraper asks for it) and {@code GET /health} (200 with {@code {"status":"UP"}}, or 503 when down).
 */
public final class MetricsServer implements AutoCloseable {

    public static final String METRICS_PATH = "/metrics";
    public static final String HEALTH_PATH = "/health";
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String OPENMETRICS_ACCEPT = "application/openmetrics-text";
    private static final String JSON = "application/json";
    private static final int HTTP_OK = 200;
    private static final int HTTP_NOT_FOUND = 404;
    private static final int HTTP_BAD_METHOD = 405;
    private static final int HTTP_INTERNAL_ERROR = 500;
    private static final int HTTP_UNAVAILABLE = 503;
    private static final int BACKLOG = 16;
    private static final int STOP_DELAY_SECONDS = 0;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts the endpoint described by {@code config}. */
    public static MetricsServer start(MetricsConfig config, PrometheusMeterRegistry registry, HealthCheck health) {
        if (!config.enabled()) {
            throw new IllegalStateException(MetricsConfig.METRICS_PORT + " is " + MetricsConfig.DISABLED
                    + ": the metrics endpoint is disabled");
        }
        return start(new InetSocketAddress(config.bindAddress(), config.port()), registry, health);
    }

    public static MetricsServer start(InetSocketAddress address, PrometheusMeterRegistry registry, HealthCheck health) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(health, "health");
        HttpServer server;
        try {
            server = HttpServer.create(address, BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(METRICS_PATH, ex -> handle(ex, () -> {
            String accept = ex.getRequestHeaders().getFirst("Accept");
            String type = accept != null && accept.contains(OPENMETRICS_ACCEPT) ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
            return new Reply(HTTP_OK, type, registry.scrape(type));
        }));
        server.createContext(HEALTH_PATH, ex -> handle(ex, () -> {
            Health h;
            try {
                h = health.check();
            } catch (RuntimeException e) {
                h = Health.unhealthy(e.toString());
            }
            return new Reply(h.up() ? HTTP_OK : HTTP_UNAVAILABLE, JSON, h.toJson());
        }));
        server.createContext("/", ex -> handle(ex, () -> new Reply(HTTP_NOT_FOUND, "text/plain", "not found\n")));
        server.start();
        MetricsServer ms = new MetricsServer(server, executor);
        LOG.info("metrics endpoint on http://{}:{}{} and {}", address.getHostString(), ms.port(), METRICS_PATH,
                HEALTH_PATH);
        return ms;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(STOP_DELAY_SECONDS);
        executor.shutdownNow();
    }

    private record Reply(int status, String contentType, String body) {
    }

    @FunctionalInterface
    private interface ReplySupplier {
        Reply get();
    }

    private static void handle(HttpExchange ex, ReplySupplier supplier) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(HTTP_BAD_METHOD, -1);
                return;
            }
            // an exact path only: /metrics/x and /healthz are not ours
            String path = ex.getRequestURI().getPath();
            Reply reply;
            try {
                reply = path.equals(ex.getHttpContext().getPath()) ? supplier.get()
                        : new Reply(HTTP_NOT_FOUND, "text/plain", "not found\n");
            } catch (RuntimeException e) {
                LOG.warn("{} {} failed: {}", method, path, e.toString());
                reply = new Reply(HTTP_INTERNAL_ERROR, "text/plain", "internal error\n");
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if (head) {
                ex.sendResponseHeaders(reply.status(), -1);
                return;
            }
            ex.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
