package io.thermocline.emulator.run;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Result of a run: {@code {"workload", "seed", "epochs", "footprintPages", "fastTierPages", "policies": [...]}}
 * plus extra fields. Reusable by other commands (the demo extends it by composition).
 */
@JsonPropertyOrder({"workload", "seed", "epochs", "footprintPages", "fastTierPages", "accessesPerEpoch", "epochMs",
        "host", "wallSeconds", "policies"})
public record EmulationReport(String workload, long seed, int epochs, long footprintPages, long fastTierPages,
                              long accessesPerEpoch, long epochMs, String host, double wallSeconds,
                              List<PolicyReport> policies) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static ObjectMapper mapper() {
        return JSON;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("report not serialisable", e);
        }
    }

    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toJson() + "\n");
    }

    public static EmulationReport readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), EmulationReport.class);
    }

    public PolicyReport policy(String name) {
        return policies.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    /** Human-readable table, one row per policy. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "workload %s  seed %d  epochs %d  footprint %d pages  fast tier %d pages%n",
                workload, seed, epochs, footprintPages, fastTierPages));
        int w = 12;
        for (PolicyReport p : policies) {
            w = Math.max(w, p.name().length());
        }
        String name = "%-" + w + "s";
        sb.append(String.format(Locale.ROOT, name + " %9s %10s %10s %10s %9s %8s %8s%n", "policy", "fastRatio",
                "emuSec", "promoted", "demoted", "pingPong", "stale", "pinViol"));
        for (PolicyReport p : policies) {
            sb.append(String.format(Locale.ROOT, name + " %9.4f %10.3f %10d %10d %9d %8d %8d%n", p.name(),
                    p.fastAccessRatio(), p.emulatedSeconds(), p.promotedPages(), p.demotedPages(), p.pingPongs(),
                    p.staleRefused(), p.pinViolations()));
        }
        return sb.toString();
    }
}
