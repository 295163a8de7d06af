package io.thermocline.report;

/** Counters of a run through the real pipeline (the demo report's {@code pipeline} object). */
public record PipelineSummary(long samplesPublished, long decisions, long moved, long staleRefused, long dlq,
                              double p50SampleToMovedMs, double p99SampleToMovedMs) {
}
