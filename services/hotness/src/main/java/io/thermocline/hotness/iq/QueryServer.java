package io.thermocline.hotness.iq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.thermocline.hotness.HostPartitioner;
import io.thermocline.hotness.HotnessTopology;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive-query HTTP endpoint of one instance (JDK HttpServer, JSON by Jackson):
 * {@code GET /hosts/{host}/top?k=N}, {@code GET /hosts/{host}/pages/{pfn}}, {@code GET /hosts/{host}/stats}.
 * A host's state lives in the task of its partition; a request for a host held elsewhere is
 * forwarded to that instance's application.server.
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
    static final String FORWARDED_HEADER = "X-Thermocline-Forwarded";
    private static final int DEFAULT_K = 10;
    private static final int MAX_K = 10_000;

    private final KafkaStreams streams;
    private final HostInfo self;
    private final int shift;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    public QueryServer(KafkaStreams streams, HostInfo self, int bindPort, int shift) throws IOException {
        this.streams = streams;
        this.self = self;
        this.shift = shift;
        this.server = HttpServer.create(new InetSocketAddress(bindPort), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "hotness-iq");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/hosts/", this::handle);
    }

    public QueryServer start() {
        server.start();
        LOG.info("interactive queries on port {} (advertised {})", port(), self);
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, Map.of("error", "GET only"));
                return;
            }
            String[] parts = ex.getRequestURI().getPath().split("/");
            // "", "hosts", host, op, [arg]
            if (parts.length < 4) {
                send(ex, 404, Map.of("error", "use /hosts/{host}/top, /hosts/{host}/pages/{pfn}, /hosts/{host}/stats"));
                return;
            }
            String host = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
            KeyQueryMetadata md = streams.queryMetadataForKey(HotnessTopology.HEAT_STORE, host,
                    HostPartitioner.<String, Object>of(h -> h));
            HostInfo owner = md == null ? null : md.activeHost();
            if (owner == null || owner.equals(HostInfo.unavailable())) {
                send(ex, 503, Map.of("error", "no instance holds host " + host + " right now"));
                return;
            }
            if (!owner.equals(self) && ex.getRequestHeaders().getFirst(FORWARDED_HEADER) == null) {
                forward(ex, owner);
                return;
            }
            HotnessQueries q = queries();
            switch (parts[3]) {
                case "top" -> send(ex, 200, q.top(host, k(ex.getRequestURI())));
                case "pages" -> {
                    if (parts.length < 5) {
                        send(ex, 400, Map.of("error", "missing pfn"));
                        return;
                    }
                    var page = q.page(host, Long.parseLong(parts[4]));
                    if (page == null) {
                        send(ex, 404, Map.of("error", "pfn " + parts[4] + " not tracked on " + host));
                    } else {
                        send(ex, 200, page);
                    }
                }
                case "stats" -> send(ex, 200, q.stats(host));
                default -> send(ex, 404, Map.of("error", "unknown resource " + parts[3]));
            }
        } catch (NumberFormatException e) {
            send(ex, 400, Map.of("error", "bad number: " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("query {} failed", ex.getRequestURI(), e);
            send(ex, 503, Map.of("error", String.valueOf(e.getMessage())));
        } finally {
            ex.close();
        }
    }

    private HotnessQueries queries() {
        return new HotnessQueries(store(HotnessTopology.HEAT_STORE), store(HotnessTopology.OWNER_STORE),
                store(HotnessTopology.HOST_VIEW_STORE), store(HotnessTopology.HOST_STATE_STORE), shift);
    }

    private <K> ReadOnlyKeyValueStore<K, byte[]> store(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, byte[]>keyValueStore()));
    }

    private void forward(HttpExchange ex, HostInfo owner) throws IOException {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + ex.getRequestURI().getRawPath()
                + Optional.ofNullable(ex.getRequestURI().getRawQuery()).map(q -> "?" + q).orElse(""));
        try {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .header(FORWARDED_HEADER, self.toString()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("X-Thermocline-Served-By", owner.host() + ":" + owner.port());
            ex.sendResponseHeaders(r.statusCode(), r.body().length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(r.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, 503, Map.of("error", "interrupted forwarding to " + owner));
        } catch (IOException e) {
            send(ex, 502, Map.of("error", "forwarding to " + owner + " failed: " + e.getMessage()));
        }
    }

    private static int k(URI uri) {
        String q = uri.getRawQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                if (kv.startsWith("k=")) {
                    return Math.max(1, Math.min(MAX_K, Integer.parseInt(kv.substring(2))));
                }
            }
        }
        return DEFAULT_K;
    }

    private void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] b = json.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("X-Thermocline-Served-By", self.host() + ":" + self.port());
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
