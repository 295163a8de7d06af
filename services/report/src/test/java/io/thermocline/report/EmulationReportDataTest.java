package io.thermocline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.emulator.run.Emulation;
import io.thermocline.emulator.run.EmulationConfig;
import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.emulator.run.EpochMetrics;
import io.thermocline.emulator.run.PolicyReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmulationReportDataTest {

    static final int EPOCHS = 40;

    /** A small real emulation: phase-shift, every policy, per-epoch metrics kept. */
    static EmulationReport run(boolean perEpoch) throws Exception {
        EmulationConfig cfg = EmulationConfig.of(List.of("phase-shift"), 8192, 0.25, EPOCHS, 7)
                .withAccessesPerEpoch(1 << 15).withPerEpoch(perEpoch);
        return Emulation.create(cfg, "all").run();
    }

    @Test
    void seriesFollowTheEmulatorsEpochMetrics() throws Exception {
        EmulationReport run = run(true);
        ReportData data = EmulationReportData.from("emulate", run);
        assertEquals(EPOCHS, data.epochs());
        assertEquals(run.policies().size(), data.policies().size());
        assertEquals("phase-shift", data.facts().get("workload"));
        for (int i = 0; i < run.policies().size(); i++) {
            PolicyReport p = run.policies().get(i);
            PolicySeries s = data.policies().get(i);
            assertEquals(p.name(), s.name());
            assertEquals(p.fastAccessRatio(), s.totals().fastAccessRatio());
            assertEquals(p.pingPongs(), s.totals().pingPongs());
            long promoted = 0;
            for (int e = 0; e < EPOCHS; e++) {
                EpochMetrics m = p.epochs().get(e);
                assertEquals(m.fastAccessRatio(), s.fastTierRatio()[e], 1e-12);
                assertEquals(m.promotedPages(), s.promoted()[e]);
                assertEquals(m.demotedPages(), s.demoted()[e]);
                promoted += s.promoted()[e];
            }
            assertEquals(p.promotedPages(), promoted, p.name());
        }
        assertTrue(HtmlReport.render(data).contains("<td>oracle</td>"));
    }

    @Test
    void aRunWithoutPerEpochMetricsIsRejectedWithAHint() throws Exception {
        EmulationReport run = run(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmulationReportData.from("emulate", run));
        assertTrue(e.getMessage().contains("withPerEpoch(true)"), e.getMessage());
    }

    @Test
    void heatmapCollectorTracksTheHottestPagesAndTheirTiers() {
        PageHeatmapCollector c = new PageHeatmapCollector("h", 3, List.of("DRAM", "CXL"), 2, p -> "page " + p);
        int[] tiers = {1, 1, 1, 1, 1};
        c.epoch(0, new int[] {0, 5, 9, 1, 0}, p -> tiers[p]);   // tracks 2 and 1
        tiers[2] = 0;
        c.epoch(1, new int[] {0, 0, 20, 0, 7}, p -> tiers[p]);  // tracks 4 too; page 1 cold but tier recorded
        c.epoch(2, new int[] {0, 0, 0, 0, 0}, p -> tiers[p]);
        assertEquals(3, c.trackedPages());
        Heatmap h = c.build(2);
        assertEquals(List.of("page 2", "page 4"), h.pageLabels());
        assertEquals(9, h.hotness()[0][0]);
        assertEquals(20, h.hotness()[0][1]);
        assertEquals(1, h.tier()[0][0]);
        assertEquals(0, h.tier()[0][1]);
        assertEquals(0, h.tier()[0][2]);
        assertEquals(Heatmap.NOT_MAPPED, h.tier()[1][0], "page 4 not tracked before epoch 1");
        assertThrows(IllegalArgumentException.class, () -> c.epoch(5, new int[5], p -> 0));
    }
}
