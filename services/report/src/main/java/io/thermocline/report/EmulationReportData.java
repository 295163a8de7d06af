package io.thermocline.report;

import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.emulator.run.EpochMetrics;
import io.thermocline.emulator.run.PolicyReport;
import java.util.List;

/** Fills a {@link ReportData} from an emulator run (the emulate report with per-epoch metrics). */
public final class EmulationReportData {

    private EmulationReportData() {
    }

    /**
     * The report's facts and one {@link PolicySeries} per policy. Add heatmaps (see {@link PageHeatmapCollector}),
     * latency and the pipeline summary to the returned builder.
     *
     * @throws IllegalArgumentException when the run did not keep per-epoch metrics
     *                                  ({@code EmulationConfig.withPerEpoch(true)})
     */
    public static ReportData.Builder builder(String title, EmulationReport run) {
        ReportData.Builder b = ReportData.builder(title, run.epochs())
                .fact("workload", run.workload())
                .fact("host", run.host())
                .fact("seed", run.seed())
                .fact("epochs", run.epochs())
                .fact("footprint", run.footprintPages() + " pages")
                .fact("fast tier", run.fastTierPages() + " pages")
                .fact("accesses/epoch", run.accessesPerEpoch());
        for (PolicyReport p : run.policies()) {
            b.policy(series(p, run.epochs()));
        }
        return b;
    }

    public static ReportData from(String title, EmulationReport run) {
        return builder(title, run).build();
    }

    /** One policy's per-epoch ratio and moves, and its totals. */
    public static PolicySeries series(PolicyReport p, int epochs) {
        List<EpochMetrics> m = p.epochs();
        if (m == null) {
            throw new IllegalArgumentException("policy " + p.name() + " has no per-epoch metrics: run the "
                    + "emulation with per-epoch metrics kept (EmulationConfig.withPerEpoch(true))");
        }
        if (m.size() != epochs) {
            throw new IllegalArgumentException("policy " + p.name() + " has " + m.size() + " epochs, run " + epochs);
        }
        double[] ratio = new double[epochs];
        long[] promoted = new long[epochs];
        long[] demoted = new long[epochs];
        for (EpochMetrics e : m) {
            int i = e.epoch();
            ratio[i] = e.accesses() == 0 ? Double.NaN : e.fastAccessRatio();
            promoted[i] = e.promotedPages();
            demoted[i] = e.demotedPages();
        }
        PolicyTotals totals = new PolicyTotals(p.fastAccessRatio(), p.emulatedSeconds(), p.promotedPages(),
                p.demotedPages(), p.pingPongs(), p.pinViolations());
        return new PolicySeries(p.name(), ratio, promoted, demoted, totals);
    }
}
