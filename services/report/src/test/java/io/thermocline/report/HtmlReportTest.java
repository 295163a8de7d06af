package io.thermocline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final Pattern EMBEDDED_JSON =
            Pattern.compile("<script type=\"application/json\" id=\"tc-data\">(.*?)</script>", Pattern.DOTALL);

    @Test
    void pageIsSelfContained() {
        String html = HtmlReport.render(SampleReports.phaseShift(true));
        // the only URL is the SVG namespace; no src/href attribute anywhere
        String withoutNs = html.replace("http://www.w3.org/2000/svg", "");
        assertFalse(withoutNs.contains("http://"), "no http URL");
        assertFalse(withoutNs.contains("https://"), "no https URL");
        assertFalse(Pattern.compile("\\s(src|href)\\s*=").matcher(html).find(), "no src/href attribute");
        assertFalse(html.contains("@import"), "no CSS import");
        assertTrue(html.contains("default-src 'none'"), "CSP blocks every fetch");
    }

    @Test
    void embeddedJsonRoundTripsAndCannotCloseTheScript() throws Exception {
        ReportData data = SampleReports.phaseShift(true);
        String html = HtmlReport.render(data);
        Matcher m = EMBEDDED_JSON.matcher(html);
        assertTrue(m.find());
        String json = m.group(1);
        assertFalse(json.contains("<"), "every '<' escaped inside the script element");
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals(SampleReports.EPOCHS, root.get("epochs").asInt());
        assertEquals(data.policies().size(), root.get("policies").size());
        assertEquals("Thermocline demo <test> & report", root.get("title").asText());
        double r = root.get("policies").get(1).get("fastTierRatio").get(100).asDouble();
        assertEquals(data.policies().get(1).fastTierRatio()[100], r, 1e-12);
        assertEquals(SampleReports.HEATMAP_ROWS, root.get("heatmaps").get(0).get("hotness").size());
        // the title is escaped in the HTML
        assertTrue(html.contains("<h1>Thermocline demo &lt;test&gt; &amp; report</h1>"));
    }

    @Test
    void totalsTableHasOneRowPerPolicyAndMarksTheBest() {
        ReportData data = SampleReports.phaseShift(false);
        String html = HtmlReport.render(data);
        String table = html.substring(html.indexOf("<table id=\"tc-totals\">"));
        table = table.substring(0, table.indexOf("</table>"));
        assertEquals(data.policies().size(), table.split("<tr").length - 2, "one row per policy + header");
        assertTrue(table.contains("<tr class=\"best\"><td>oracle</td>"), table);
        // derived totals for a policy given without totals: moves summed, unknowns shown as n/a
        assertTrue(table.contains("<td>first-touch</td>"));
        assertTrue(html.contains("did not go through the Kafka pipeline"));
        assertFalse(html.contains("id=\"plot-latency\""), "no latency plot without pipeline");
    }

    @Test
    void heatmapBuilderKeepsTheHottestPagesInOrder() {
        HeatmapBuilder b = new HeatmapBuilder("h", 3, List.of("DRAM", "CXL"));
        b.add(7, 0, 1, 1).add(7, 1, 1, 1);
        b.add(3, 0, 10, 0).add(3, 2, 5, 0);
        b.add(9, 1, 20, 1).tier(9, 2, 0);
        b.label(3, "pid 1 va 0x3000");
        Heatmap h = b.build(2);
        assertEquals(List.of("0x9", "pid 1 va 0x3000"), h.pageLabels());
        assertEquals(20, h.hotness()[0][1]);
        assertEquals(Heatmap.NOT_MAPPED, h.tier()[0][0]);
        assertEquals(0, h.tier()[0][2]);
        assertEquals(15, h.hotness()[1][0] + h.hotness()[1][2]);
        assertEquals(3, b.pagesObserved());
    }

    @Test
    void histogramCountsEverySampleAndComputesPercentiles() {
        double[] samples = new double[1000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = i + 1; // 1..1000 ms
        }
        LatencyHistogram h = LatencyHistogram.fromSamples("lat", "ms", samples, 20);
        long total = 0;
        for (long c : h.counts()) {
            total += c;
        }
        assertEquals(1000, total);
        assertEquals(500, h.p50());
        assertEquals(990, h.p99());
        assertEquals(1, h.edges()[0]);
        assertEquals(1000, h.edges()[20]);
        assertTrue(h.edges()[10] < 100, "log buckets for a 3-decade spread");
        LatencyHistogram constant = LatencyHistogram.fromSamples("c", "ms", new double[] {5, 5, 5}, 4);
        assertEquals(3, constant.counts()[0] + constant.counts()[1] + constant.counts()[2] + constant.counts()[3]);
    }

    @Test
    void invalidModelsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new PolicySeries("x", new double[] {1.5}, new long[1], new long[1], null));
        assertThrows(IllegalArgumentException.class,
                () -> new PolicySeries("x", new double[2], new long[1], new long[2], null));
        PolicySeries one = new PolicySeries("x", new double[] {0.5}, new long[1], new long[1], null);
        assertThrows(IllegalArgumentException.class, () -> ReportData.builder("t", 2).policy(one).build());
        assertThrows(IllegalArgumentException.class, () -> ReportData.builder("t", 1).build());
        assertThrows(IllegalArgumentException.class,
                () -> new Heatmap("h", List.of("a"), new double[][] {{1}}, new int[][] {{2}}, List.of("DRAM", "CXL")));
        assertThrows(IllegalArgumentException.class,
                () -> LatencyHistogram.fromSamples("l", "ms", new double[0]));
    }
}
