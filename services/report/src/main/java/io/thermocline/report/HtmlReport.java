package io.thermocline.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link ReportData} as one self-contained HTML file: the data is embedded as JSON, the plots are
 * drawn by inline JavaScript into inline SVG and canvas elements. The page loads nothing from anywhere.
 *
 * <p>Plot containers carry {@code class="plot"}; once drawn, each gets {@code data-rendered="true"} and
 * {@code data-drawn="N"} (the marks drawn), and {@code <body>} gets {@code data-rendered="true"}. Script errors
 * and {@code console.error} calls are written into {@code <pre id="tc-errors">} so a headless browser's DOM dump
 * shows them.
 */
public final class HtmlReport {

    private static final String RESOURCE_DIR = "/io/thermocline/report/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Installed first, so it also catches syntax errors of the main script. */
    private static final String ERROR_HOOK = """
            window.tcReportError = function (msg) {
              var box = document.getElementById('tc-errors');
              if (box) { box.textContent += msg + '\\n'; } else { (window.tcPending = window.tcPending || []).push(msg); }
            };
            window.addEventListener('error', function (e) {
              window.tcReportError('error: ' + e.message + ' (' + e.filename + ':' + e.lineno + ')');
            });
            window.addEventListener('unhandledrejection', function (e) {
              window.tcReportError('unhandled rejection: ' + e.reason);
            });
            (function () {
              var orig = console.error;
              console.error = function () {
                window.tcReportError('console.error: ' + Array.prototype.join.call(arguments, ' '));
                return orig.apply(console, arguments);
              };
            })();
            """;

    private HtmlReport() {
    }

    /** Writes the report to {@code file} (parent directories created). */
    public static void write(ReportData data, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(data), StandardCharsets.UTF_8);
    }

    public static String render(ReportData data) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // no network at all, even if someone edits the file
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>").append(esc(data.title())).append("</title>\n")
                .append("<style>\n").append(resource("report.css")).append("</style>\n")
                .append("<script>\n").append(ERROR_HOOK).append("</script>\n")
                .append("</head>\n<body>\n<header>\n<h1>").append(esc(data.title())).append("</h1>\n");
        facts(h, data.facts());
        h.append("</header>\n<main>\n");

        h.append("<section class=\"wide\"><h2>Fast-tier access ratio per epoch</h2>")
                .append("<p class=\"sub\">Share of each epoch's accesses served by the fast tier, per policy, ")
                .append("all on the same access stream. Higher is better; the oracle is the ceiling.</p>")
                .append("<div id=\"plot-ratio\" class=\"plot\" data-kind=\"line\"></div></section>\n");

        totalsTable(h, data.policies());
        pipelineTable(h, data.pipeline());

        List<Heatmap> heatmaps = data.heatmaps();
        for (int i = 0; i < heatmaps.size(); i++) {
            Heatmap hm = heatmaps.get(i);
            h.append("<section class=\"wide\"><h2>").append(esc(hm.title())).append("</h2>")
                    .append("<p class=\"sub\">").append(hm.rows()).append(" hottest pages (rows) over ")
                    .append(hm.epochs()).append(" epochs (columns); colour = hotness, colour family = tier the ")
                    .append("page lived in. A dark blue cell is a hot page left in the slow tier.</p>")
                    .append("<div id=\"plot-heatmap-").append(i)
                    .append("\" class=\"plot\" data-kind=\"heatmap\"></div></section>\n");
        }

        h.append("<section><h2>Migrations per epoch</h2>")
                .append("<p class=\"controls\"><label>policy <select id=\"tc-migrations-policy\"></select>")
                .append("</label></p>")
                .append("<div id=\"plot-migrations\" class=\"plot\" data-kind=\"bars\"></div></section>\n");

        h.append("<section><h2>Decision latency</h2>");
        if (data.latency() != null) {
            LatencyHistogram l = data.latency();
            h.append("<p class=\"sub\">").append(esc(l.title())).append(": ").append(l.samples())
                    .append(" samples, p50 ").append(fmt(l.p50())).append(' ').append(esc(l.unit()))
                    .append(", p99 ").append(fmt(l.p99())).append(' ').append(esc(l.unit())).append("</p>")
                    .append("<div id=\"plot-latency\" class=\"plot\" data-kind=\"histogram\"></div>");
        } else {
            h.append("<p class=\"empty\">No pipeline latency in this run (emulator-only run).</p>");
        }
        h.append("</section>\n</main>\n<pre id=\"tc-errors\"></pre>\n");

        h.append("<script type=\"application/json\" id=\"tc-data\">").append(json(data)).append("</script>\n")
                .append("<script>\n").append(resource("report.js")).append("</script>\n")
                .append("</body>\n</html>\n");
        return h.toString();
    }

    private static void facts(StringBuilder h, Map<String, String> facts) {
        if (facts.isEmpty()) {
            return;
        }
        h.append("<dl class=\"facts\">");
        facts.forEach((k, v) -> h.append("<div><dt>").append(esc(k)).append("</dt><dd>").append(esc(v))
                .append("</dd></div>"));
        h.append("</dl>\n");
    }

    private static void totalsTable(StringBuilder h, List<PolicySeries> policies) {
        double best = policies.stream().mapToDouble(p -> p.totals().fastAccessRatio())
                .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        h.append("<section><h2>Totals per policy</h2><table id=\"tc-totals\"><thead><tr><th>policy</th>")
                .append("<th>fast-tier ratio</th><th>emulated s</th><th>promoted</th><th>demoted</th>")
                .append("<th>ping-pongs</th><th>pin violations</th></tr></thead><tbody>");
        for (PolicySeries p : policies) {
            PolicyTotals t = p.totals();
            h.append(t.fastAccessRatio() == best ? "<tr class=\"best\">" : "<tr>")
                    .append("<td>").append(esc(p.name())).append("</td><td>")
                    .append(Double.isNaN(t.fastAccessRatio()) ? "n/a"
                            : String.format(Locale.ROOT, "%.1f%%", 100 * t.fastAccessRatio()))
                    .append("</td><td>").append(fmt(t.emulatedSeconds()))
                    .append("</td><td>").append(count(t.promotedPages()))
                    .append("</td><td>").append(count(t.demotedPages()))
                    .append("</td><td>").append(count(t.pingPongs()))
                    .append("</td><td>").append(count(t.pinViolations())).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void pipelineTable(StringBuilder h, PipelineSummary p) {
        h.append("<section><h2>Pipeline</h2>");
        if (p == null) {
            h.append("<p class=\"empty\">This run did not go through the Kafka pipeline.</p></section>\n");
            return;
        }
        h.append("<table id=\"tc-pipeline\"><tbody>")
                .append(row("samples published", count(p.samplesPublished())))
                .append(row("decisions", count(p.decisions())))
                .append(row("pages moved", count(p.moved())))
                .append(row("stale decisions refused", count(p.staleRefused())))
                .append(row("dead letters", count(p.dlq())))
                .append(row("sample-to-moved p50", fmt(p.p50SampleToMovedMs()) + " ms"))
                .append(row("sample-to-moved p99", fmt(p.p99SampleToMovedMs()) + " ms"))
                .append("</tbody></table></section>\n");
    }

    private static String row(String k, String v) {
        return "<tr><td>" + esc(k) + "</td><td>" + esc(v) + "</td></tr>";
    }

    private static String count(long v) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", v);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** The model as JSON that cannot end its script element: every '<' is escaped. */
    static String json(ReportData data) {
        try {
            return JSON.writeValueAsString(data).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise report data", e);
        }
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE_DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
