package io.thermocline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opens generated reports in headless Chromium and checks every plot was drawn with no script error. */
class HtmlReportIT {

    private static final Pattern PLOT = Pattern.compile("<div id=\"(plot-[a-z0-9-]+)\"([^>]*)>");
    private static final Pattern ERRORS = Pattern.compile("<pre id=\"tc-errors\">(.*?)</pre>", Pattern.DOTALL);
    /** Chromium's console lines on stderr with --enable-logging=stderr. */
    private static final Pattern CONSOLE_ERROR = Pattern.compile("CONSOLE.*(Uncaught|Error|error)");
    /** Where the screenshot is kept for people to look at. */
    private static final Path SCREENSHOT = Path.of("target", "report-screenshot.png");

    private static HeadlessChromium chromium;

    @BeforeAll
    static void findBrowser() {
        chromium = HeadlessChromium.locate();
    }

    @Test
    void fullReportRendersEveryPlot(@TempDir Path dir) throws Exception {
        ReportData data = SampleReports.phaseShift(true);
        Path html = dir.resolve("report.html");
        HtmlReport.write(data, html);
        String dom = renderedDom(html);

        List<String> expected = List.of("plot-ratio", "plot-heatmap-0", "plot-migrations", "plot-latency");
        var plots = plots(dom);
        assertEquals(Set.copyOf(expected), plots.keySet(), "plots in the DOM");
        // line chart: one path per policy
        assertEquals(data.policies().size(), drawn(plots.get("plot-ratio")));
        // heatmap: every cell painted
        assertEquals(SampleReports.HEATMAP_ROWS * SampleReports.EPOCHS, drawn(plots.get("plot-heatmap-0")));
        // migrations: the first policy that moved pages is shown; one bar per non-zero promoted/demoted epoch
        PolicySeries shown = data.policies().stream()
                .filter(p -> p.totals().promotedPages() + p.totals().demotedPages() > 0).findFirst().orElseThrow();
        assertTrue(plots.get("plot-migrations").contains("data-policy=\"" + shown.name() + "\""));
        assertEquals(nonZero(shown.promoted()) + nonZero(shown.demoted()), drawn(plots.get("plot-migrations")));
        // histogram: one bar per non-empty bucket
        assertEquals(nonZero(data.latency().counts()), drawn(plots.get("plot-latency")));
        // the SVG really is in the DOM
        assertEquals(data.policies().size(), count(dom, "<path d=\"M"), "line paths");
        assertTrue(count(dom, "<rect ") >= nonZero(data.latency().counts()), "bars drawn");
    }

    @Test
    void emulatorOnlyReportHasNoLatencyPlotAndStillRenders(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("emulate.html");
        HtmlReport.write(SampleReports.phaseShift(false), html);
        var plots = plots(renderedDom(html));
        assertEquals(Set.of("plot-ratio", "plot-heatmap-0", "plot-migrations"), plots.keySet());
    }

    @Test
    void realEmulationReportRenders() throws Exception {
        ReportData data = EmulationReportData.from("emulate: phase-shift", EmulationReportDataTest.run(true));
        // kept in target/ for people to open
        Path html = SCREENSHOT.resolveSibling("emulation-report.html").toAbsolutePath();
        HtmlReport.write(data, html);
        var plots = plots(renderedDom(html));
        assertEquals(Set.of("plot-ratio", "plot-migrations"), plots.keySet());
        assertEquals(data.policies().size(), drawn(plots.get("plot-ratio")));
    }

    @Test
    void aBrokenPageIsDetected(@TempDir Path dir) throws Exception {
        // proves the checks can fail: corrupt the embedded data so the script throws
        Path html = dir.resolve("broken.html");
        String page = HtmlReport.render(SampleReports.phaseShift(true))
                .replace("\"fastTierRatio\":[", "\"fastTierRatio\":null,\"x\":[");
        Files.writeString(html, page);
        HeadlessChromium.Run run = chromium.dumpDom(html);
        Matcher m = ERRORS.matcher(run.stdout());
        assertTrue(m.find(), "error box present");
        assertTrue(m.group(1).contains("plot-ratio"), "the failing plot is named: " + m.group(1));
        assertTrue(run.stdout().contains("id=\"plot-ratio\" class=\"plot\" data-kind=\"line\" data-rendered=\"false\""));
    }

    @Test
    void screenshotIsARealPicture() throws Exception {
        Path html = SCREENSHOT.resolveSibling("report-screenshot.html").toAbsolutePath();
        HtmlReport.write(SampleReports.phaseShift(true), html);
        Files.deleteIfExists(SCREENSHOT);
        HeadlessChromium.Run run = chromium.screenshot(html, SCREENSHOT, 1400, 1900);
        assertEquals(0, run.exitCode(), run.stderr());
        BufferedImage img = ImageIO.read(SCREENSHOT.toFile());
        assertEquals(1400, img.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        // a blank or text-only page has a handful of colours; plots with ramps have hundreds
        assertTrue(colours.size() > 200, "distinct colours in the screenshot: " + colours.size());
    }

    private static String renderedDom(Path html) throws Exception {
        HeadlessChromium.Run run = chromium.dumpDom(html);
        String dom = run.stdout();
        assertEquals(0, run.exitCode(), "chromium exit code; stderr:\n" + run.stderr());
        assertTrue(dom.contains("<body data-rendered=\"true\""), "the script ran to its end:\n" + head(dom));
        Matcher m = ERRORS.matcher(dom);
        assertTrue(m.find(), "error box present");
        assertEquals("", m.group(1).trim(), "script errors written into the page");
        for (String line : run.stderr().split("\n")) {
            assertFalse(CONSOLE_ERROR.matcher(line).find(), "console error on stderr: " + line);
        }
        return dom;
    }

    /** id -> attributes of every plot container; each must be rendered. */
    private static java.util.Map<String, String> plots(String dom) {
        java.util.Map<String, String> plots = new java.util.TreeMap<>();
        Matcher m = PLOT.matcher(dom);
        while (m.find()) {
            plots.put(m.group(1), m.group(2));
            assertTrue(m.group(2).contains("data-rendered=\"true\""), m.group(1) + " rendered: " + m.group(2));
        }
        return plots;
    }

    private static int drawn(String attrs) {
        Matcher m = Pattern.compile("data-drawn=\"(\\d+)\"").matcher(attrs);
        assertTrue(m.find(), "data-drawn in " + attrs);
        int n = Integer.parseInt(m.group(1));
        assertTrue(n > 0, "something drawn: " + attrs);
        return n;
    }

    private static int nonZero(long[] v) {
        int n = 0;
        for (long x : v) {
            if (x > 0) {
                n++;
            }
        }
        return n;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static String head(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) : s;
    }
}
