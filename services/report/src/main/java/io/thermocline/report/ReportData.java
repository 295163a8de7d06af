package io.thermocline.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one HTML report shows. Plain data: fill it from the emulator's per-epoch metrics
 * ({@link PolicySeries}), a {@link HeatmapBuilder}, latency samples ({@link LatencyHistogram#fromSamples})
 * and the pipeline's counters ({@link PipelineSummary}).
 *
 * @param title    page title
 * @param facts    ordered key/value facts shown under the title (workload, seed, hosts, ...)
 * @param epochs   number of epochs every per-epoch series covers
 * @param policies one series per policy (line chart, migration bars, totals table); at least one
 * @param heatmaps page heatmaps (pages x epochs); may be empty
 * @param latency  decision latency histogram, or null when the run had no pipeline
 * @param pipeline pipeline counters, or null when the run had no pipeline
 */
public record ReportData(String title, Map<String, String> facts, int epochs, List<PolicySeries> policies,
                         List<Heatmap> heatmaps, LatencyHistogram latency, PipelineSummary pipeline) {

    public ReportData {
        Objects.requireNonNull(title, "title");
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts == null ? Map.of() : facts));
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        policies = List.copyOf(policies);
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one policy series");
        }
        for (PolicySeries p : policies) {
            if (p.epochs() != epochs) {
                throw new IllegalArgumentException("policy " + p.name() + " has " + p.epochs()
                        + " epochs, the report " + epochs);
            }
        }
        heatmaps = List.copyOf(heatmaps == null ? List.of() : heatmaps);
        for (Heatmap h : heatmaps) {
            if (h.epochs() != epochs) {
                throw new IllegalArgumentException("heatmap " + h.title() + " has " + h.epochs()
                        + " epochs, the report " + epochs);
            }
        }
    }

    public static Builder builder(String title, int epochs) {
        return new Builder(title, epochs);
    }

    /** Collects the parts of a report. */
    public static final class Builder {
        private final String title;
        private final int epochs;
        private final Map<String, String> facts = new LinkedHashMap<>();
        private final List<PolicySeries> policies = new ArrayList<>();
        private final List<Heatmap> heatmaps = new ArrayList<>();
        private LatencyHistogram latency;
        private PipelineSummary pipeline;

        private Builder(String title, int epochs) {
            this.title = title;
            this.epochs = epochs;
        }

        public Builder fact(String key, Object value) {
            facts.put(key, String.valueOf(value));
            return this;
        }

        public Builder policy(PolicySeries series) {
            policies.add(series);
            return this;
        }

        public Builder heatmap(Heatmap heatmap) {
            heatmaps.add(heatmap);
            return this;
        }

        public Builder latency(LatencyHistogram histogram) {
            this.latency = histogram;
            return this;
        }

        public Builder pipeline(PipelineSummary summary) {
            this.pipeline = summary;
            return this;
        }

        public ReportData build() {
            return new ReportData(title, facts, epochs, policies, heatmaps, latency, pipeline);
        }
    }
}
