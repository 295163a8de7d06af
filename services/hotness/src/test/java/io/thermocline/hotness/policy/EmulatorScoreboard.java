package io.thermocline.hotness.policy;

import io.thermocline.emulator.run.Emulation;
import io.thermocline.emulator.run.EmulationConfig;
import io.thermocline.emulator.run.EmulationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tuning main (not a test): runs {@code --policies all} (baselines, thermocline, oracle) on each workload and
 * prints the emulator's table. Args: footprintPages fastRatio epochs [workload...].
 */
public final class EmulatorScoreboard {

    private EmulatorScoreboard() {
    }

    public static void main(String[] args) throws Exception {
        int pages = args.length > 0 ? Integer.parseInt(args[0]) : 65_536;
        double fast = args.length > 1 ? Double.parseDouble(args[1]) : 0.25;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        List<String> workloads = args.length > 3 ? List.of(args).subList(3, args.length)
                : List.of("gups-hotset", "zipf", "phase-shift", "uniform");
        String policies = System.getProperty("policies", "all");
        Path outDir = Path.of(System.getProperty("out", "target/scoreboard"));
        Files.createDirectories(outDir);
        for (String w : workloads) {
            EmulationConfig cfg = EmulationConfig.of(List.of(w), pages, fast, epochs, 1).withThreads(2);
            long t0 = System.nanoTime();
            EmulationReport r = Emulation.create(cfg, policies).run();
            System.out.printf("== %s (%d pages, fast %.2f, %d epochs) in %.1f s%n%s%n", w, pages, fast, epochs,
                    (System.nanoTime() - t0) / 1e9, r.table());
            r.writeJson(outDir.resolve(w.replaceAll("[^a-zA-Z0-9-]", "_") + ".json"));
        }
    }
}
