package io.thermocline.report;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the Debian {@code chromium} binary headless, one fresh profile per call. Missing chromium fails the
 * test (CI installs it) unless {@code THERMOCLINE_NO_BROWSER=1}, which skips with a message.
 */
final class HeadlessChromium {

    static final String NO_BROWSER_ENV = "THERMOCLINE_NO_BROWSER";
    static final String BINARY_ENV = "THERMOCLINE_CHROMIUM";
    private static final List<String> CANDIDATES =
            List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final long TIMEOUT_SECONDS = 120;
    /** Virtual time the page gets before the DOM is dumped / the screenshot taken. */
    static final int VIRTUAL_TIME_BUDGET_MS = 10_000;

    /** Output of one run. */
    record Run(String stdout, String stderr, int exitCode) {
    }

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** Finds chromium or fails (skips only when THERMOCLINE_NO_BROWSER=1). */
    static HeadlessChromium locate() {
        if ("1".equals(System.getenv(NO_BROWSER_ENV))) {
            Assumptions.abort(NO_BROWSER_ENV + "=1: skipping the headless-browser check of the HTML report");
        }
        List<String> candidates = new ArrayList<>();
        String env = System.getenv(BINARY_ENV);
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.addAll(CANDIDATES);
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return new HeadlessChromium(p);
            }
        }
        fail("no chromium found (tried " + candidates + "): install it with "
                + "'apt-get update && apt-get install -y chromium', or set " + NO_BROWSER_ENV + "=1 to skip");
        throw new AssertionError("unreachable");
    }

    /** Loads the page, lets its scripts run, and returns the serialised DOM on stdout. */
    Run dumpDom(Path html) throws IOException, InterruptedException {
        return run(html, "--dump-dom");
    }

    Run screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        return run(html, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars");
    }

    private Run run(Path html, String... extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("tc-chromium-profile");
        Path out = Files.createTempFile("tc-chromium", ".out");
        Path err = Files.createTempFile("tc-chromium", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0",
                    "--user-data-dir=" + profile.toAbsolutePath(),
                    "--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS));
            cmd.addAll(List.of(extra));
            cmd.add(html.toAbsolutePath().toUri().toString());
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("chromium did not finish within " + TIMEOUT_SECONDS + " s; stderr:\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Run(Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), p.exitValue());
        } finally {
            deleteTree(profile);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
