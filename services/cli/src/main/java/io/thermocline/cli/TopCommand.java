package io.thermocline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code thermocline top --host H --k N}: the hottest pages of a host, from the hotness app's interactive
 * queries (any instance answers: it forwards to the instance that holds the host's state).
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Hottest pages of a host, with owner and node (hotness app interactive queries).")
public final class TopCommand implements Callable<Integer> {

    public static final String URL_ENV = "THERMOCLINE_HOTNESS_URL";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", required = true, description = "Host id.")
    String host;

    @Option(names = {"--k", "-k"}, defaultValue = "20", description = "How many pages (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--url", defaultValue = "${env:" + URL_ENV + ":-http://127.0.0.1:7070}",
            description = "Base URL of any hotness instance (default: $" + URL_ENV + " or ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--json", description = "Print the raw JSON answer.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (k < 1 || k > 100_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--k must be in 1..100000, got " + k);
        }
        URI uri;
        try {
            uri = URI.create(url.replaceAll("/+$", "") + "/hosts/"
                    + URLEncoder.encode(host, StandardCharsets.UTF_8) + "/top?k=" + k);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url is not a URL: " + url);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            return CliFailure.report(spec, new CliFailure("no hotness instance answers at " + url
                    + " (start one, or pass --url / $" + URL_ENV + ")"));
        } catch (IOException e) {
            return CliFailure.report(spec, new CliFailure("query " + uri + " failed: " + e.getMessage()));
        }
        if (response.statusCode() != 200) {
            return CliFailure.report(spec, new CliFailure("hotness instance answered HTTP " + response.statusCode()
                    + " for " + uri + ": " + response.body()));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(response.body());
            out.flush();
            return 0;
        }
        JsonNode pages = new ObjectMapper().readTree(response.body());
        out.printf("%-4s %-14s %10s %5s %4s %8s %-18s %-16s%n", "#", "pfn", "heat", "node", "gen", "pid", "vaddr", "comm");
        int i = 1;
        for (JsonNode p : pages) {
            out.printf("%-4d 0x%-12x %10d %5d %4d %8s %-18s %-16s%n", i++, p.path("pfn").asLong(),
                    p.path("heat").asLong(), p.path("node").asInt(-1), p.path("generation").asInt(),
                    p.path("pid").isNull() || p.path("pid").isMissingNode() ? "-" : p.path("pid").asText(),
                    p.path("vaddr").isNumber() ? String.format("0x%x", p.path("vaddr").asLong()) : "-",
                    p.path("comm").isTextual() ? p.path("comm").asText() : "-");
        }
        if (i == 1) {
            out.println("(no tracked pages for host " + host + ")");
        }
        out.flush();
        return 0;
    }
}
