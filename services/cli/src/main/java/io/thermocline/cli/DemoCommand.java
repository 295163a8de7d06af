package io.thermocline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.cli.demo.Fleet;
import io.thermocline.cli.demo.LocalHotness;
import io.thermocline.cli.demo.PipelinePolicy;
import io.thermocline.cli.demo.PipelineResults;
import io.thermocline.cli.demo.StreamsQuiescence;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.emulator.policy.PolicyRegistry;
import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.emulator.run.PolicyReport;
import io.thermocline.hotness.HotnessApp;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.report.EmulationReportData;
import io.thermocline.report.HtmlReport;
import io.thermocline.report.LatencyHistogram;
import io.thermocline.report.PageHeatmapCollector;
import io.thermocline.report.PipelineSummary;
import io.thermocline.report.PolicySeries;
import io.thermocline.report.ReportData;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.TopicAdmin;
import io.thermocline.topics.TopicSerdes;
import io.thermocline.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code thermocline demo}: the whole pipeline on this machine. Starts a real Kafka broker (KRaft) and a
 * real schema registry, creates the topics, runs the hotness Streams app, and an emulated fleet whose
 * hosts each run a sampler and a migrator; every host also runs the kernel baselines and the oracle on
 * the same access stream, so the closing table compares Thermocline through Kafka with them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline locally (real broker + registry, emulated fleet) and compare it "
                + "with the kernel baselines and the oracle.")
public final class DemoCommand implements Callable<Integer> {

    enum Mode { lockstep, realtime }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    FleetOptions shape;

    @Option(names = "--epochs", defaultValue = "30", description = "Epochs per host (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--window-ms", description = "Hotness window (default: one epoch).")
    Long windowMs;

    @Option(names = "--mode", defaultValue = "lockstep", description = "lockstep (reproducible: epoch e+1 runs only "
            + "after the decisions for epoch e were applied) or realtime (default ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--baselines", defaultValue = "first-touch,numab2,kmmscand,damon,oracle",
            description = "Emulator policies run beside the pipeline (default ${DEFAULT-VALUE}; add thermocline for "
                    + "the in-process topology).")
    String baselines;

    @Option(names = "--report-json", paramLabel = "PATH", description = "Write the JSON report here.")
    Path reportJson;

    @Option(names = "--report-html", paramLabel = "PATH", description = "Write the self-contained HTML report here.")
    Path reportHtml;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker, registry and state directories "
            + "(default: a new directory under .thermocline/ in the current directory).")
    Path workDir;

    @Option(names = "--no-progress", description = "No live progress line.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Path dir = workDir != null ? workDir
                : Path.of(".thermocline", "demo-" + Instant.now().toString().replace(':', '-'));
        // a reused broker would still hold the previous run's topics, and the report would count them
        LocalHotness.requireFreshWorkDir(spec.commandLine(), dir);
        Files.createDirectories(dir);
        List<String> ws = shape.workloads();
        int pages = shape.pages();
        out.printf(Locale.ROOT, "thermocline demo: %d hosts (%s), %d pages each, fast tier %.0f%%, %d epochs, %s%n",
                shape.hosts, String.join(",", ws), pages, shape.fastRatio * 100, epochs, mode);
        out.println("starting a Kafka broker (KRaft) and a schema registry on 127.0.0.1 ...");
        out.flush();
        long t0 = System.nanoTime();
        try (LocalCluster cluster = LocalCluster.builder().workDir(dir.resolve("cluster")).start()) {
            out.printf(Locale.ROOT, "  broker %s, registry %s (up in %.1f s)%n", cluster.bootstrapServers(),
                    cluster.registryUrl(), cluster.startupTime().toMillis() / 1000.0);
            TopicAdmin.ensureTopics(cluster.admin(), Topics.ALL, LocalHotness.PARTITIONS, (short) 1);
            Map<String, Object> serdeConfig = Map.of("schema.registry.url", cluster.registryUrl());
            TopicSerdes.registerSchemas(serdeConfig);
            SerdeFactory serdes = TopicSerdes.fromConfig(serdeConfig);
            String appId = "thermocline-hotness-demo";
            Map<String, Object> hp = LocalHotness.props(cluster.bootstrapServers(), cluster.registryUrl(),
                    dir.resolve("hotness"), appId, windowMs());
            try (HotnessApp hotness = new HotnessApp(new HotnessConfig(hp), serdes).start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                         cluster.bootstrapServers()))) {
                LocalHotness.awaitRunning(hotness.streams());
                out.printf(Locale.ROOT, "  hotness app running (interactive queries on http://127.0.0.1:%d)%n",
                        hotness.queryPort());
                out.flush();
                Fleet.Settings settings = shape.settings(epochs, mode == Mode.lockstep, baselines, dir);
                StreamsQuiescence q = new StreamsQuiescence(admin, appId, Set.of(Topics.PFN_MOVES.name()));
                try (Fleet fleet = new Fleet(settings, cluster.bootstrapServers(), cluster.registryUrl(), serdes, q)) {
                    PageHeatmapCollector heat = new PageHeatmapCollector(Fleet.hostName(0) + " pages (pipeline)",
                            epochs, List.of("fast", "slow"), PageHeatmapCollector.DEFAULT_CANDIDATES, null);
                    fleet.onAgentsStarted(a -> {
                        if (a.host().equals(Fleet.hostName(0))) {
                            a.collectHeatmap(heat);
                        }
                    });
                    List<EmulationReport> reports = runWithProgress(fleet);
                    PipelineResults results = PipelineResults.read(cluster.bootstrapServers(), serdes,
                            Duration.ofSeconds(60));
                    long samples = fleet.agents().values().stream().mapToLong(a -> a.samplesPublished()).sum();
                    PipelineSummary summary = new PipelineSummary(samples, results.decisions(),
                            results.count(MigrationStatus.MOVED), results.count(MigrationStatus.STALE_PFN),
                            results.deadLetters(), results.percentile(50), results.percentile(99));
                    printTables(out, reports, results, summary);
                    double wall = (System.nanoTime() - t0) / 1e9;
                    out.printf(Locale.ROOT, "done in %.1f s (work dir %s)%n", wall, dir);
                    if (reportJson != null) {
                        writeJson(reportJson, reports, summary, results, wall);
                        out.println("report: " + reportJson);
                    }
                    if (reportHtml != null) {
                        HtmlReport.write(html(reports, summary, results, heat), reportHtml);
                        out.println("html report: " + reportHtml);
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    long windowMs() {
        return windowMs != null ? windowMs : shape.epochMs;
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        shape.validate(cl, epochs);
        try {
            new PolicyRegistry().create(baselines);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--baselines: " + e.getMessage());
        }
    }

    private List<EmulationReport> runWithProgress(Fleet fleet) throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-progress");
            t.setDaemon(true);
            return t;
        });
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        long[] last = {0, t0};
        if (!noProgress) {
            ticker.scheduleAtFixedRate(() -> {
                var agents = fleet.agents().values();
                long epoch = agents.stream().mapToLong(a -> a.epoch()).min().orElse(-1) + 1;
                long samples = agents.stream().mapToLong(a -> a.samplesPublished()).sum();
                long moved = agents.stream().mapToLong(a -> a.moved()).sum();
                long decisions = agents.stream().mapToLong(a -> a.decisions()).sum();
                double ratio = agents.stream().mapToDouble(a -> a.fastRatio()).average().orElse(0);
                long now = System.nanoTime();
                double rate = (samples - last[0]) / Math.max(1e-9, (now - last[1]) / 1e9);
                last[0] = samples;
                last[1] = now;
                int width = 24;
                int filled = (int) (width * Math.min(1.0, (double) epoch / epochs));
                err.printf(Locale.ROOT, "\r[%s%s] epoch %d/%d  samples/s %,.0f  decisions %,d  moved %,d  fast-tier %.3f ",
                        "=".repeat(filled), " ".repeat(width - filled), epoch, epochs, rate, decisions, moved, ratio);
                err.flush();
            }, 1, 1, TimeUnit.SECONDS);
        }
        try {
            return fleet.run();
        } finally {
            ticker.shutdownNow();
            if (!noProgress) {
                err.println();
                err.flush();
            }
        }
    }

    private void printTables(PrintWriter out, List<EmulationReport> reports, PipelineResults results,
                             PipelineSummary s) {
        out.println();
        for (EmulationReport r : reports) {
            out.printf(Locale.ROOT, "== %s: %s, %d pages, fast tier %d pages%n", r.host(), r.workload(),
                    r.footprintPages(), r.fastTierPages());
            out.print(r.table());
        }
        out.println();
        out.printf(Locale.ROOT, "fleet (access-weighted fast-tier ratio, pages moved):%n");
        out.printf(Locale.ROOT, "%-22s %10s %10s %10s %10s%n", "policy", "fastRatio", "promoted", "demoted", "pingPong");
        for (Map.Entry<String, double[]> e : fleetTotals(reports).entrySet()) {
            double[] v = e.getValue();
            out.printf(Locale.ROOT, "%-22s %10.4f %10d %10d %10d%n", e.getKey(), v[0], (long) v[1], (long) v[2],
                    (long) v[3]);
        }
        out.printf(Locale.ROOT, "pipeline: %,d samples published, %,d decisions, %,d moved, %,d stale refused, "
                        + "%,d dead letters, sample-to-moved p50 %.0f ms p99 %.0f ms (%s time), results %s%n",
                s.samplesPublished(), s.decisions(), s.moved(), s.staleRefused(), s.dlq(), s.p50SampleToMovedMs(),
                s.p99SampleToMovedMs(), mode == Mode.lockstep ? "event" : "wall", results.byStatus());
    }

    /** Per policy over all hosts: [access-weighted fast ratio, promoted, demoted, ping-pongs]. */
    private static Map<String, double[]> fleetTotals(List<EmulationReport> reports) {
        Map<String, double[]> acc = new LinkedHashMap<>();
        for (EmulationReport r : reports) {
            for (PolicyReport p : r.policies()) {
                double[] v = acc.computeIfAbsent(p.name(), k -> new double[5]);
                v[1] += p.promotedPages();
                v[2] += p.demotedPages();
                v[3] += p.pingPongs();
                v[4] += p.accesses();
                v[0] += p.fastAccessRatio() * p.accesses();
            }
        }
        acc.values().forEach(v -> v[0] = v[4] == 0 ? 0 : v[0] / v[4]);
        return acc;
    }

    private void writeJson(Path file, List<EmulationReport> reports, PipelineSummary s, PipelineResults results,
                           double wallSeconds) throws Exception {
        ObjectMapper om = EmulationReport.mapper();
        ObjectNode root = om.createObjectNode();
        root.put("workload", "fleet:" + String.join(",", reports.stream().map(EmulationReport::workload).toList()));
        root.put("seed", shape.seed);
        root.put("epochs", epochs);
        root.put("footprintPages", reports.stream().mapToLong(EmulationReport::footprintPages).sum());
        root.put("fastTierPages", reports.stream().mapToLong(EmulationReport::fastTierPages).sum());
        root.put("mode", mode.name());
        root.put("hostCount", reports.size());
        root.put("wallSeconds", wallSeconds);
        ArrayNode policies = root.putArray("policies");
        Map<String, long[]> extra = new HashMap<>();
        for (EmulationReport r : reports) {
            for (PolicyReport p : r.policies()) {
                long[] v = extra.computeIfAbsent(p.name(), k -> new long[2]);
                v[0] += p.pinViolations();
                v[1] += 0;
            }
        }
        Map<String, Double> seconds = new HashMap<>();
        for (EmulationReport r : reports) {
            for (PolicyReport p : r.policies()) {
                seconds.merge(p.name(), p.emulatedSeconds(), Double::sum);
            }
        }
        for (Map.Entry<String, double[]> e : fleetTotals(reports).entrySet()) {
            double[] v = e.getValue();
            ObjectNode n = policies.addObject();
            n.put("name", e.getKey());
            n.put("fastAccessRatio", v[0]);
            n.put("emulatedSeconds", seconds.get(e.getKey()));
            n.put("promotedPages", (long) v[1]);
            n.put("demotedPages", (long) v[2]);
            n.put("pingPongs", (long) v[3]);
            n.put("pinViolations", extra.get(e.getKey())[0]);
        }
        ArrayNode hostsNode = root.putArray("hosts");
        for (EmulationReport r : reports) {
            hostsNode.add(om.readTree(r.toJson()));
        }
        ObjectNode p = root.putObject("pipeline");
        p.put("policy", PipelinePolicy.NAME);
        p.put("samplesPublished", s.samplesPublished());
        p.put("decisions", s.decisions());
        p.put("moved", s.moved());
        p.put("staleRefused", s.staleRefused());
        p.put("dlq", s.dlq());
        p.put("p50SampleToMovedMs", Double.isNaN(s.p50SampleToMovedMs()) ? null : s.p50SampleToMovedMs());
        p.put("p99SampleToMovedMs", Double.isNaN(s.p99SampleToMovedMs()) ? null : s.p99SampleToMovedMs());
        p.put("latencyClock", mode == Mode.lockstep ? "event" : "wall");
        ObjectNode st = p.putObject("results");
        results.byStatus().forEach((k, v) -> st.put(k.name(), v));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        om.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    private ReportData html(List<EmulationReport> reports, PipelineSummary s, PipelineResults results,
                            PageHeatmapCollector heat) {
        ReportData.Builder b = ReportData.builder("Thermocline demo: " + reports.size() + " hosts, " + mode, epochs)
                .fact("mode", mode.name())
                .fact("seed", shape.seed)
                .fact("epochs", epochs)
                .fact("hosts", reports.size());
        for (EmulationReport r : reports) {
            b.fact(r.host(), r.workload() + ", " + r.footprintPages() + " pages, fast " + r.fastTierPages());
            for (PolicyReport p : r.policies()) {
                PolicySeries ps = EmulationReportData.series(p, r.epochs());
                b.policy(new PolicySeries(r.host() + " " + p.name(), ps.fastTierRatio(), ps.promoted(), ps.demoted(),
                        ps.totals()));
            }
        }
        if (heat.trackedPages() > 0) {
            b.heatmap(heat.build(48));
        }
        if (results.sampleToMovedMs().length > 0) {
            b.latency(LatencyHistogram.fromSamples("sample to moved", "ms", results.sampleToMovedMs()));
        }
        return b.pipeline(s).build();
    }
}
