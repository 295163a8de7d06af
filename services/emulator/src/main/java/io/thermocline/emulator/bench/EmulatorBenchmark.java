package io.thermocline.emulator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.TierKind;
import io.thermocline.emulator.run.Emulation;
import io.thermocline.emulator.run.EmulationConfig;
import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.emulator.workload.GupsHotset;
import io.thermocline.emulator.workload.WorkloadParams;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark main (not a test): emulated accesses per second on one core for gups-hotset (1 GiB footprint,
 * 25% fast tier), measured three ways after warm-up: stream generation alone, machine replay alone, and
 * generation + replay together, as CPU time of the benchmark thread (and wall time). Also times a full 200-epoch, five-policy CLI-equivalent run.
 * Writes JSON to {@code target/bench/emulator-bench.json} (or the path in args[0]).
 */
public final class EmulatorBenchmark {
    private static final int PAGES = 262_144;          // 1 GiB of 4 KiB pages
    private static final int ACCESSES = 1 << 22;       // per measured round
    private static final int WARMUP_ROUNDS = 5;
    private static final int ROUNDS = 15;

    private EmulatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/emulator-bench.json");
        GupsHotset gups = new GupsHotset(PAGES, WorkloadParams.DEFAULT_HOT_FRACTION,
                WorkloadParams.DEFAULT_HOT_PROBABILITY, ACCESSES, 1);
        Machine m = new Machine("bench", List.of(
                new NodeSpec(0, TierKind.DRAM, PAGES / 4, 90, 38.4),
                new NodeSpec(1, TierKind.CXL, PAGES, 216, 25)), CostModel.defaults());
        m.addProcess(1, "gups", 0x7f00_0000_0000L, PAGES, false);
        int[] buf = new int[ACCESSES];
        for (int i = 0; i < PAGES; i++) buf[i] = i;
        m.run(buf, 0, PAGES); // populate like GUPS' init loop

        // CPU time of this thread: "one core" even when the machine is shared with other work
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        long genNs = 0;
        long runNs = 0;
        long wallNs = 0;
        long sink = 0;
        for (int r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
            long w0 = System.nanoTime();
            long t0 = tmx.getCurrentThreadCpuTime();
            gups.fill(r, buf, 0);
            long t1 = tmx.getCurrentThreadCpuTime();
            m.beginEpoch();
            m.run(buf, 0, ACCESSES);
            long t2 = tmx.getCurrentThreadCpuTime();
            sink += m.nodeHits(0);
            if (r >= WARMUP_ROUNDS) {
                genNs += t1 - t0;
                runNs += t2 - t1;
                wallNs += System.nanoTime() - w0;
            }
        }
        double n = (double) ACCESSES * ROUNDS;
        Map<String, Object> fig = new LinkedHashMap<>();
        fig.put("workload", "gups-hotset");
        fig.put("footprintPages", PAGES);
        fig.put("accessesMeasured", (long) n);
        fig.put("generateAccessesPerSec", n / (genNs / 1e9));
        fig.put("replayAccessesPerSec", n / (runNs / 1e9));
        fig.put("emulatedAccessesPerSec", n / ((genNs + runNs) / 1e9));
        fig.put("emulatedAccessesPerWallSec", n / (wallNs / 1e9));
        fig.put("targetAccessesPerSec", 20_000_000);
        fig.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        fig.put("checksum", sink);

        // end-to-end: the CLI contract run (200 epochs, all built-in policies, one thread)
        EmulationConfig cfg = EmulationConfig.of(List.of("gups-hotset"), PAGES, 0.25, 200, 1);
        long t0 = System.nanoTime();
        long c0 = tmx.getCurrentThreadCpuTime();
        EmulationReport rep = Emulation.create(cfg, "all").run();
        double cpu = (tmx.getCurrentThreadCpuTime() - c0) / 1e9;
        double wall = (System.nanoTime() - t0) / 1e9;
        fig.put("fullRunCpuSeconds", cpu);
        fig.put("fullRunEpochs", 200);
        fig.put("fullRunPolicies", rep.policies().size());
        fig.put("fullRunAccessesPerEpoch", cfg.accessesPerEpoch());
        fig.put("fullRunWallSeconds", wall);
        fig.put("fullRunReplayedAccessesPerSec",
                (double) cfg.accessesPerEpoch() * 200 * rep.policies().size() / wall);
        fig.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        fig.put("cores", Runtime.getRuntime().availableProcessors());

        Files.createDirectories(out.toAbsolutePath().getParent());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(fig);
        Files.writeString(out, json + "\n");
        System.out.println(json);
    }
}
