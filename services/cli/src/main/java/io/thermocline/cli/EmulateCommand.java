package io.thermocline.cli;

import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.TierKind;
import io.thermocline.emulator.policy.Pin;
import io.thermocline.emulator.policy.PinSet;
import io.thermocline.emulator.run.Emulation;
import io.thermocline.emulator.run.EmulationConfig;
import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.emulator.workload.WorkloadParams;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code thermocline emulate}: runs placement policies on the CXL/NUMA emulator over one seeded access stream,
 * prints a table and optionally writes the JSON report. Exit 0 on success, 2 on bad arguments (unknown
 * workload or policy, fast ratio outside (0,1], ...), 1 when a trace cannot be read.
 */
@Command(name = "emulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare placement policies on the emulated CXL/NUMA machine (same access stream, "
                + "one machine copy per policy).",
            "Workloads: gups-hotset, uniform, zipf, phase-shift, lackey:PATH (plain or .gz); "
                + "comma-separated = separate processes on one host.",
            "Policies: all (= first-touch, numab2, kmmscand, damon, oracle and installed providers), "
                + "damon-mtier, external, or a comma-separated list."})
public final class EmulateCommand implements Callable<Integer> {
    static final Pattern PIN = Pattern.compile("(?i)(\\d+|\\*)(?::(0x[0-9a-f]+|\\d+)-(0x[0-9a-f]+|\\d+))?=(dram|cxl|node:(\\d+))");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--workload", required = true, split = ",",
            description = "Workload(s): gups-hotset, uniform, zipf, phase-shift, lackey:PATH.")
    List<String> workloads;
    @Option(names = "--footprint", defaultValue = "1GiB",
            description = "Footprint per synthetic workload (e.g. 1GiB, 256MiB, 65536p); traces use their own. Default ${DEFAULT-VALUE}.")
    String footprint;
    @Option(names = "--fast-ratio", defaultValue = "0.25",
            description = "Fast-tier (DRAM) capacity as a fraction of the total footprint, in (0,1]. Default ${DEFAULT-VALUE}.")
    double fastRatio;
    @Option(names = "--epochs", defaultValue = "200", description = "Epochs (a trace is split into this many). Default ${DEFAULT-VALUE}.")
    int epochs;
    @Option(names = "--seed", defaultValue = "1", description = "Seed. Default ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--policies", defaultValue = "all", description = "Policies to compare. Default ${DEFAULT-VALUE}.")
    String policies;
    @Option(names = "--report-json", description = "Write the JSON report here.")
    Path reportJson;
    @Option(names = "--accesses-per-epoch", defaultValue = "" + EmulationConfig.DEFAULT_ACCESSES_PER_EPOCH,
            description = "Accesses per epoch per synthetic workload. Default ${DEFAULT-VALUE}.")
    int accessesPerEpoch;
    @Option(names = "--epoch-ms", defaultValue = "" + EmulationConfig.DEFAULT_EPOCH_MS,
            description = "Epoch length on the policy clock (kernel timers, quotas, rate limits), ms. Default ${DEFAULT-VALUE}.")
    long epochMs;
    @Option(names = "--hot-fraction", defaultValue = "" + WorkloadParams.DEFAULT_HOT_FRACTION,
            description = "gups-hotset/phase-shift hot-set size (fraction of footprint). Default ${DEFAULT-VALUE}.")
    double hotFraction;
    @Option(names = "--hot-probability", defaultValue = "" + WorkloadParams.DEFAULT_HOT_PROBABILITY,
            description = "gups-hotset/phase-shift share of accesses to the hot set. Default ${DEFAULT-VALUE}.")
    double hotProbability;
    @Option(names = "--zipf-exponent", defaultValue = "" + WorkloadParams.DEFAULT_ZIPF_EXPONENT,
            description = "zipf exponent. Default ${DEFAULT-VALUE}.")
    double zipfExponent;
    @Option(names = "--phase-epochs", description = "phase-shift: move the hot set every N epochs (default epochs/4).")
    Integer phaseEpochs;
    @Option(names = "--chmu-top-n", defaultValue = "1024", description = "CHMU hot-list length per CXL node. Default ${DEFAULT-VALUE}.")
    int chmuTopN;
    @Option(names = "--kernel-moves-per-sec", defaultValue = "0",
            description = "Background kernel (compaction-like) page moves per second, 0 = off. Default ${DEFAULT-VALUE}.")
    double kernelMovesPerSec;
    @Option(names = "--thp", description = "Allocate 2 MiB folios on first touch where possible.")
    boolean thp;
    @Option(names = "--pin", description = "Pin PID[:VASTART-VAEND]=dram|cxl|node:N (PID may be *); repeatable.")
    List<String> pins = new ArrayList<>();
    @Option(names = "--dram-ns", defaultValue = "" + CostModel.DEFAULT_DRAM_NS, description = "DRAM latency, ns. Default ${DEFAULT-VALUE}.")
    double dramNs;
    @Option(names = "--cxl-factor", defaultValue = "" + CostModel.DEFAULT_CXL_FACTOR, description = "CXL latency / DRAM latency. Default ${DEFAULT-VALUE}.")
    double cxlFactor;
    @Option(names = "--threads", defaultValue = "1", description = "Policy runs in parallel (results do not change). Default ${DEFAULT-VALUE}.")
    int threads;
    @Option(names = "--per-epoch", description = "Include per-epoch metrics in the JSON report.")
    boolean perEpoch;
    @Option(names = "--host", defaultValue = EmulationConfig.DEFAULT_HOST, description = "Host id. Default ${DEFAULT-VALUE}.")
    String host;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        EmulationConfig cfg = config();
        Emulation em;
        try {
            em = Emulation.create(cfg, policies);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        } catch (IOException e) {
            return CliFailure.report(spec, new CliFailure("cannot read workload: " + e.getMessage()));
        }
        EmulationReport report = em.run();
        PrintWriter out = cl.getOut();
        out.print(report.table());
        out.printf(Locale.ROOT, "(%d accesses per epoch, %d ms epochs, %.1f s wall)%n", report.accessesPerEpoch(),
                report.epochMs(), report.wallSeconds());
        if (reportJson != null) {
            try {
                report.writeJson(reportJson);
                out.println("report: " + reportJson);
            } catch (IOException e) {
                return CliFailure.report(spec, new CliFailure("cannot write " + reportJson + ": " + e.getMessage()));
            }
        }
        out.flush();
        return 0;
    }

    /** Validated configuration; bad values become ParameterExceptions (exit code 2, message on stderr). */
    EmulationConfig config() {
        CommandLine cl = spec.commandLine();
        if (!(fastRatio > 0 && fastRatio <= 1)) {
            throw new ParameterException(cl, "--fast-ratio must be in (0, 1], got " + fastRatio);
        }
        if (epochs <= 0) throw new ParameterException(cl, "--epochs must be > 0, got " + epochs);
        long pages = parsePages(footprint);
        if (pages <= 0 || pages > Integer.MAX_VALUE / 4) {
            throw new ParameterException(cl, "--footprint out of range: " + footprint);
        }
        PinSet pinSet = new PinSet(parsePins());
        try {
            return new EmulationConfig(host, workloads, (int) pages, fastRatio, epochs, accessesPerEpoch, epochMs, seed,
                    hotFraction, hotProbability, zipfExponent, phaseEpochs == null ? Math.max(1, epochs / 4) : phaseEpochs,
                    chmuTopN, kernelMovesPerSec, thp, pinSet,
                    new CostModel(dramNs, cxlFactor, CostModel.DEFAULT_PAGE_MIGRATION_NS,
                            CostModel.DEFAULT_FOLIO_MIGRATION_NS, CostModel.DEFAULT_DEVICE_FAULT_NS),
                    threads, perEpoch);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
    }

    long parsePages(String s) {
        try {
            return Sizes.pages(s);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private List<Pin> parsePins() {
        List<Pin> out = new ArrayList<>();
        int i = 0;
        for (String p : pins) {
            Matcher m = PIN.matcher(p.trim());
            if (!m.matches()) {
                throw new ParameterException(spec.commandLine(), "bad --pin '" + p + "' (PID[:START-END]=dram|cxl|node:N)");
            }
            int pid = m.group(1).equals("*") ? Pin.ANY_PID : Integer.parseInt(m.group(1));
            long start = m.group(2) == null ? 0 : Long.decode(m.group(2));
            long end = m.group(3) == null ? -1L : Long.decode(m.group(3));
            String what = m.group(4).toLowerCase(Locale.ROOT);
            TierKind tier = what.equals("dram") ? TierKind.DRAM : what.equals("cxl") ? TierKind.CXL : null;
            int node = m.group(5) == null ? -1 : Integer.parseInt(m.group(5));
            try {
                out.add(new Pin("cli-" + i++, pid, start, end, tier, node));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "bad --pin '" + p + "': " + e.getMessage());
            }
        }
        return out;
    }
}
