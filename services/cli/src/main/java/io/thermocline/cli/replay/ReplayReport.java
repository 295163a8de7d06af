package io.thermocline.cli.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The side-by-side table and the JSON report of a replay. */
public final class ReplayReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ROW = "%-22s %12s %12s %12s%n";

    private ReplayReport() {
    }

    /** Actual vs what-if for every host, then the total when there are several hosts. */
    public static String table(ReplayResult r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "replay %s: %d records, %d host(s), overrides: %s%n", r.applicationId(),
                r.records(), r.hosts().size(), r.overrides().isEmpty() ? "none" : new TreeMap<>(r.overrides())));
        for (ReplayResult.HostResult h : r.hosts()) {
            b.append(String.format(Locale.ROOT, "%nhost %s: %d windows %s .. %s, %d batches, %d pages, %d unresolved "
                            + "samples%n", h.host(), h.windows(), Instant.ofEpochMilli(h.firstWindowMs()),
                    Instant.ofEpochMilli(h.lastWindowEndMs()), h.batches(), h.pages(), h.unresolvedSamples()));
            rows(b, h.actual(), h.whatIf());
        }
        if (r.hosts().size() > 1) {
            b.append(String.format(Locale.ROOT, "%nall hosts%n"));
            rows(b, r.actual(), r.whatIf());
        }
        return b.toString();
    }

    private static void rows(StringBuilder b, ReplayMetrics a, ReplayMetrics w) {
        b.append(String.format(Locale.ROOT, ROW, "", "actual", "what-if", "delta"));
        b.append(String.format(Locale.ROOT, ROW, "fast-tier ratio", ratio(a.fastAccessRatio()),
                ratio(w.fastAccessRatio()), String.format(Locale.ROOT, "%+.4f", w.fastAccessRatio() - a.fastAccessRatio())));
        count(b, "moves", a.movedPages(), w.movedPages());
        count(b, "  promoted pages", a.promotedPages(), w.promotedPages());
        count(b, "  demoted pages", a.demotedPages(), w.demotedPages());
        count(b, "ping-pongs", a.pingPongs(), w.pingPongs());
        count(b, "stale refused", a.staleRefused(), w.staleRefused());
        count(b, "sampled accesses", a.accesses(), w.accesses());
    }

    private static void count(StringBuilder b, String name, long a, long w) {
        b.append(String.format(Locale.ROOT, ROW, name, a, w, String.format(Locale.ROOT, "%+d", w - a)));
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** The JSON report: applicationId, records, overrides, actual, whatIf, hosts[]. */
    public static ObjectNode json(ReplayResult r, Map<String, Long> recordsPerTopic) {
        ObjectNode root = JSON.createObjectNode();
        root.put("applicationId", r.applicationId());
        root.put("records", r.records());
        ObjectNode topics = root.putObject("recordsPerTopic");
        recordsPerTopic.forEach(topics::put);
        ObjectNode ov = root.putObject("overrides");
        new TreeMap<>(r.overrides()).forEach(ov::put);
        root.set("actual", metrics(r.actual()));
        root.set("whatIf", metrics(r.whatIf()));
        ArrayNode hosts = root.putArray("hosts");
        for (ReplayResult.HostResult h : r.hosts()) {
            ObjectNode o = hosts.addObject();
            o.put("host", h.host());
            o.put("windows", h.windows());
            o.put("firstWindowMs", h.firstWindowMs());
            o.put("lastWindowEndMs", h.lastWindowEndMs());
            o.put("batches", h.batches());
            o.put("pages", h.pages());
            o.put("unresolvedSamples", h.unresolvedSamples());
            o.set("actual", metrics(h.actual()));
            o.set("whatIf", metrics(h.whatIf()));
        }
        return root;
    }

    static ObjectNode metrics(ReplayMetrics m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("fastAccessRatio", m.fastAccessRatio());
        o.put("accesses", m.accesses());
        o.put("fastAccesses", m.fastAccesses());
        o.put("promotedPages", m.promotedPages());
        o.put("demotedPages", m.demotedPages());
        o.put("pingPongs", m.pingPongs());
        o.put("staleRefused", m.staleRefused());
        o.put("pinRefused", m.pinRefused());
        o.put("decisions", m.decisions());
        return o;
    }

    public static void write(Path file, ObjectNode json) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), json);
    }
}
