package io.thermocline.emulator.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** Totals of one policy over a run (the {@code policies[]} entries of the report JSON). */
@JsonPropertyOrder({"name", "fastAccessRatio", "emulatedSeconds", "promotedPages", "demotedPages", "pingPongs",
        "pinViolations", "staleRefused", "otherRefused", "decisions", "accesses", "fastAccesses", "accessSeconds",
        "migrationSeconds", "kernelMoves", "epochs"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyReport(String name, double fastAccessRatio, double emulatedSeconds, long promotedPages,
                           long demotedPages, long pingPongs, long pinViolations, long staleRefused,
                           long otherRefused, long decisions, long accesses, long fastAccesses, double accessSeconds,
                           double migrationSeconds, long kernelMoves, List<EpochMetrics> epochs) {

    /** Sums per-epoch metrics; keeps them in the report when {@code keepEpochs}. */
    public static PolicyReport of(String name, List<EpochMetrics> epochs, boolean keepEpochs) {
        long acc = 0, fast = 0, prom = 0, dem = 0, pp = 0, stale = 0, pin = 0, other = 0, dec = 0, km = 0;
        double accNs = 0, migNs = 0;
        for (EpochMetrics m : epochs) {
            acc += m.accesses();
            fast += m.fastAccesses();
            prom += m.promotedPages();
            dem += m.demotedPages();
            pp += m.pingPongs();
            stale += m.staleRefused();
            pin += m.pinViolations();
            other += m.otherRefused();
            dec += m.decisions();
            km += m.kernelMoves();
            accNs += m.accessNs();
            migNs += m.migrationNs();
        }
        return new PolicyReport(name, acc == 0 ? 0 : (double) fast / acc, (accNs + migNs) / 1e9, prom, dem, pp, pin,
                stale, other, dec, acc, fast, accNs / 1e9, migNs / 1e9, km, keepEpochs ? List.copyOf(epochs) : null);
    }
}
