package io.thermocline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.cli.bench.RawKafkaBench;
import io.thermocline.cli.bench.SampleBatches;
import io.thermocline.cli.bench.SteadyRate;
import io.thermocline.cli.demo.Fleet;
import io.thermocline.cli.demo.LocalHotness;
import io.thermocline.cli.demo.PipelineResults;
import io.thermocline.cli.demo.StreamsQuiescence;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.hotness.HotnessApp;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.StreamsProperties;
import io.thermocline.topics.HostPartitioning;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.TopicAdmin;
import io.thermocline.topics.TopicSerdes;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code thermocline bench}: on this machine, in one run, against a real local broker and registry:
 * raw Kafka produce+consume of the bytes the samplers send (the physical reference), the same bytes
 * through the hotness Streams app (samples/s), sample-to-moved latency of the live pipeline (an emulated
 * fleet in real time, wall clock), and RocksDB bytes per tracked page.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure raw Kafka vs pipeline throughput, sample-to-moved latency and state size.")
public final class BenchCommand implements Callable<Integer> {

    /** Topic for the raw reference only (same partitions as tc.page-access, not part of the pipeline). */
    static final String RAW_TOPIC = "tc.bench-raw";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--report-json", paramLabel = "PATH", required = true, description = "Write the figures here.")
    Path reportJson;

    @Option(names = "--samples", defaultValue = "32000000", description = "Samples ((pfn, count) entries) of each "
            + "timed throughput pass (default ${DEFAULT-VALUE}; a raw pass of 16 M lasted only 0.4-0.6 s).")
    long samples;

    @Option(names = "--warmup-samples", defaultValue = "16000000", description = "Samples of each untimed warm-up "
            + "pass, through raw Kafka and through the pipeline (default ${DEFAULT-VALUE}, the size of a timed pass: "
            + "with 4 M the timed passes still spent ~0.6 s each compiling what a longer pass runs more often).")
    long warmupSamples;

    @Option(names = "--max-warmup-passes", defaultValue = "60", description = "Warm-up pairs (a raw and a pipeline "
            + "pass over --warmup-samples of other hosts) run before the timed passes until two pairs in a row spend "
            + "under 10%% of their time JIT-compiling (default ${DEFAULT-VALUE}; at least 2).")
    int maxWarmupPasses;

    @Option(names = "--hosts", defaultValue = "4", description = "Hosts in the generated load (default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--latency-epochs", defaultValue = "160",
            description = "Real-time epochs of the latency run (default ${DEFAULT-VALUE}; 0 skips it).")
    int latencyEpochs;

    @Option(names = "--epoch-ms", defaultValue = "250", description = "Epoch (and hotness window) of the latency run "
            + "(default ${DEFAULT-VALUE}).")
    long epochMs;

    @Option(names = "--commit-interval-ms", defaultValue = "200", description = "Commit interval of the hotness app "
            + "in the throughput run (default ${DEFAULT-VALUE}, the service's default; exactly-once commits flush "
            + "state and end a transaction).")
    long commitIntervalMs;

    @Option(names = "--stream-threads", defaultValue = "2", description = "Stream threads of the hotness app in the "
            + "throughput run (default ${DEFAULT-VALUE}: one per core here; the load's hosts are spread evenly over "
            + "the partitions).")
    int streamThreads;

    @Option(names = "--latency-csv", paramLabel = "PATH", description = "Also write every moved page's evidence time "
            + "and sample-to-moved latency (ms) of the latency run here.")
    Path latencyCsv;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed passes of each kind, alternating raw and "
            + "pipeline, each pair over its own hosts' load of --samples; the throughput figures and the ratio are "
            + "medians (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--owners", description = "Also publish an owner for every page of the load and two nodes per host "
            + "(untimed, before each pass), so stage 1 selects candidates and stage 2 issues decisions during the "
            + "throughput run; without it the run exercises sample decoding, windows, heat state and stage 2's "
            + "thresholds, but no candidate has an owner to decide for.")
    boolean owners;

    @Option(names = "--churn", defaultValue = "0.01", description = "Fraction of the CXL pages that start a 4-window "
            + "hot burst each window (as many DRAM pages cool down meanwhile) in a steady load whose hot set already "
            + "sits in DRAM; 1 draws every count afresh each window instead (with --owners, a decision storm). "
            + "Default ${DEFAULT-VALUE}.")
    double churn;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Setting of the hotness app in the throughput run "
            + "(repeatable): a hotness parameter, or streams.<Kafka Streams or client property>, e.g. "
            + "--set streams.producer.compression.type=lz4.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Cluster and state, kept (default: a new directory "
            + "under .thermocline/, deleted after a successful run: a run leaves 1-2 GB of logs and RocksDB files).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (samples < 1000 || warmupSamples < 1000 || hosts < 1 || epochMs < 50 || latencyEpochs < 0
                || commitIntervalMs < 1 || streamThreads < 1 || maxWarmupPasses < 2 || repeats < 1 || !(churn >= 0 && churn <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --samples >= 1000, --warmup-samples "
                    + ">= 1000, --hosts >= 1, --epoch-ms >= 50, --latency-epochs >= 0, --commit-interval-ms >= 1, "
                    + "--stream-threads >= 1, --max-warmup-passes >= 2, --repeats >= 1, 0 <= --churn <= 1");
        }
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        for (String kv : sets) {
            int eq = kv.indexOf('=');
            String key = eq > 0 ? kv.substring(0, eq).trim() : "";
            if (key.isEmpty() || !(HotnessConfig.DEF.names().contains(key) || key.startsWith(StreamsProperties.STREAMS_PREFIX))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--set expects KEY=VALUE with a hotness "
                        + "parameter or a streams.* property as KEY, got '" + kv + "'");
            }
            overrides.put(key, kv.substring(eq + 1).trim());
        }
        try {
            Map<String, Object> check = LocalHotness.serviceProps("localhost:9092", "mock://bench-check", Path.of("unused"),
                    "bench-check", 1000);
            check.putAll(overrides);
            new HotnessConfig(check); // bad values fail here, before anything starts
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--set: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = workDir != null ? workDir : Path.of(".thermocline", "bench-" + Instant.now().toString().replace(':', '-'));
        // a reused broker would hold the previous run's records: the raw consumer and the app would count them
        LocalHotness.requireFreshWorkDir(spec.commandLine(), dir);
        Files.createDirectories(dir);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("machineCores", Runtime.getRuntime().availableProcessors());
        json.put("samples", samples);
        json.put("entriesPerBatch", 512);
        json.put("warmupSamples", warmupSamples);
        json.put("commitIntervalMs", commitIntervalMs);
        json.put("streamThreads", streamThreads);
        json.put("churn", churn);
        json.put("owners", owners);
        try (LocalCluster cluster = LocalCluster.builder().workDir(dir.resolve("cluster")).start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            int partitions = 2;
            TopicAdmin.ensureTopics(admin, Topics.ALL, partitions, (short) 1);
            admin.createTopics(List.of(new NewTopic(RAW_TOPIC, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Map<String, Object> serdeConfig = Map.of("schema.registry.url", cluster.registryUrl());
            TopicSerdes.registerSchemas(serdeConfig);
            SerdeFactory serdes = TopicSerdes.fromConfig(serdeConfig);
            long brokerPid = cluster.broker().pid();

            // the service's decision parameters (the latency run's emulated hosts use the emulator's), 1 s windows
            Map<String, Object> hp = LocalHotness.serviceProps(cluster.bootstrapServers(), cluster.registryUrl(),
                    dir.resolve("hotness-throughput"), "thermocline-bench-throughput", 1000);
            hp.put(HotnessConfig.COMMIT_INTERVAL_MS, commitIntervalMs);
            hp.put(HotnessConfig.NUM_THREADS, streamThreads);
            hp.putAll(overrides);
            if (!overrides.isEmpty()) {
                json.putPOJO("settings", overrides);
            }
            // every generated entry names a distinct (host, pfn) within one window pass; warm-up hosts count too
            long perLoad = (long) hosts * 64 * 512;
            long distinctPages = repeats * Math.min(samples, perLoad);
            Rates rates = new Rates();
            PipelineTotals totals = new PipelineTotals();
            double rawBrokerCpu = 0;
            double rawProcessCpu = 0;
            double rawStreamThreadsCpu = 0;
            double rawSeconds = 0;
            long rawBytes = 0;
            try (HotnessApp app = new HotnessApp(new HotnessConfig(hp), serdes).start()) {
                LocalHotness.awaitRunning(app.streams());
                StreamsQuiescence q = new StreamsQuiescence(admin, "thermocline-bench-throughput", Set.of());
                LongSupplier processed = processedRecords(app.streams());
                // both measurements run warm, in the alternation the timed passes use: pairs of a raw and a pipeline
                // pass over other hosts' samples, untimed, load classes, JIT-compile the hot paths and open the
                // stores, until two pairs in a row spend under 10% of their time compiling (C2 compiles a long tail
                // of client and store methods for ~20 s on 2 cores; stopping at the first quiet pass left ~0.5 s of
                // compiling per second in the timed passes). Fresh hosts per pair: a host's old windows are closed,
                // its samples would be late.
                int passes = warmUp(out, maxWarmupPasses, pass -> {
                    if (owners) {
                        publishOwners(cluster.bootstrapServers(), serdes, warmHosts(pass, partitions), q);
                    }
                    return warmLoad(serdes, pass, partitions);
                }, w -> RawKafkaBench.run(cluster.bootstrapServers(), RAW_TOPIC, w, producerConfig(),
                        Duration.ofMinutes(5)), w -> {
                    produce(cluster.bootstrapServers(), w);
                    q.await(Set.of(Topics.PAGE_ACCESS.name()), Duration.ofMinutes(5));
                });
                json.put("rawWarmupPasses", passes);
                json.put("pipelineWarmupPasses", passes);
                distinctPages += passes * Math.min(warmupSamples, perLoad);
                // timed passes in pairs, raw then pipeline, each pair over its own hosts' load (the same bytes for
                // both): a pair sees the same machine, the medians damp the run-to-run spread of a shared 2-core box
                for (int r = 0; r < repeats; r++) {
                    // hosts spread evenly over the partitions, so each stream thread has a share
                    List<String> hostNames = timedHosts(r, partitions);
                    List<RawKafkaBench.Wire> load = serialize(serdes, SampleBatches.generate(hostNames, samples, 512,
                            64, 1000, Instant.now().minusSeconds(3600), 42 + r, churn), partitions);
                    if (r == 0) {
                        out.printf(Locale.ROOT, "load of each timed pass: %,d samples in %,d records of %d entries, "
                                + "%,d bytes%n", samples, load.size(), 512,
                                load.stream().mapToLong(RawKafkaBench.Wire::bytes).sum());
                    }
                    if (owners) {
                        publishOwners(cluster.bootstrapServers(), serdes, hostNames, q);
                    }
                    double rawBroker0 = cpuSeconds(brokerPid);
                    long rawProc0 = processCpuNs();
                    long rawStream0 = streamThreadsCpuNs();
                    long rawJit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
                    RawKafkaBench.Result raw = RawKafkaBench.run(cluster.bootstrapServers(), RAW_TOPIC, load,
                            producerConfig(), Duration.ofMinutes(5));
                    rawBrokerCpu += cpuSeconds(brokerPid) - rawBroker0;
                    rawProcessCpu += (processCpuNs() - rawProc0) / 1e9;
                    rawStreamThreadsCpu += (streamThreadsCpuNs() - rawStream0) / 1e9;
                    rawSeconds += raw.seconds();
                    rawBytes += raw.bytes();
                    long rawJitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - rawJit0;
                    long jitBefore = totals.jitMs;
                    double samplesPerRecord = (double) samples / load.size();
                    SteadyRate steady = new SteadyRate(load.size());
                    long processed0 = processed.getAsLong();
                    double secs;
                    try (SteadyRate.Watch watch = new SteadyRate.Watch(steady,
                            () -> processed.getAsLong() - processed0, 1000)) {
                        secs = totals.timedPass(admin, brokerPid, () -> {
                            produce(cluster.bootstrapServers(), load);
                            q.await(Set.of(Topics.PAGE_ACCESS.name()), Duration.ofMinutes(10));
                        });
                    }
                    long[] m = steady.milestones();
                    // the pass is over when the stream threads processed its last record (the raw pass: consumed
                    // it); the app's commit of that offset, up to a commit interval later, is reported apart
                    long passStart = totals.lastStartNanos;
                    double toProcessed = m[2] > 0 ? (m[2] - passStart) / 1e9 : secs;
                    rates.add(samples / raw.seconds(), samples / toProcessed, samples / secs,
                            raw.steadyRecordsPerSec() * samplesPerRecord, steady.perSecond(samplesPerRecord));
                    out.printf(Locale.ROOT, "timed pass %d of %d: raw Kafka produce+consume %,.0f samples/s (%.2f s); "
                            + "pipeline %,.0f samples/s (%.2f s to the last record processed, %.2f s to its commit); "
                            + "ratio %.3f; compiling: raw %d ms, pipeline %d ms%n", r + 1, repeats, rates.raw.get(r),
                            raw.seconds(), rates.pipeline.get(r), toProcessed, secs, rates.ratio.get(r), rawJitMs,
                            totals.jitMs - jitBefore);
                    if (m[0] > 0 && m[1] > 0 && m[2] > 0) {
                        out.printf(Locale.ROOT, "  pipeline pass %d: %.2f s to 10%% processed, %.2f s to 90%%, %.2f s "
                                + "to 100%%; 10-90%%: %,.0f samples/s (raw %,.0f)%n", r + 1, (m[0] - passStart) / 1e9,
                                (m[1] - m[0]) / 1e9, (m[2] - m[1]) / 1e9, rates.pipelineMid.get(r), rates.rawMid.get(r));
                    }
                    out.flush();
                    if (totals.deadLetters > 0) {
                        // a rejected batch costs less than a processed one: the figure would flatter the pipeline
                        throw new CliFailure(totals.deadLetters + " records of the throughput load went to "
                                + Topics.DLQ.name());
                    }
                }
            }
            long timedSamples = samples * repeats;
            json.put("repeats", repeats);
            json.put("rawBrokerCpuSeconds", rawBrokerCpu);
            json.put("rawProcessCpuSeconds", rawProcessCpu);
            // the idle hotness app during the raw passes (it polls and commits nothing)
            json.put("rawStreamThreadsCpuSeconds", rawStreamThreadsCpu);
            totals.write(json, timedSamples);
            json.put("decisionsPerSample", (double) totals.decisions / timedSamples);
            rates.write(json);
            double rawRate = json.get("rawKafkaSamplesPerSec").asDouble();
            double pipelineRate = json.get("pipelineSamplesPerSec").asDouble();
            if (json.has("pipelineMachineBusyCpuSeconds")) {
                out.printf(Locale.ROOT, "machine during the pipeline passes: %.2f s busy, %.2f s idle CPU%n",
                        json.get("pipelineMachineBusyCpuSeconds").asDouble(),
                        json.get("pipelineMachineIdleCpuSeconds").asDouble());
            }
            out.printf(Locale.ROOT, "raw Kafka produce+consume, median of %d: %,.0f samples/s%n", repeats, rawRate);
            out.printf(Locale.ROOT, "pipeline (sampler bytes through the hotness app, exactly-once), median of %d: "
                    + "%,.0f samples/s to the last record processed (%,.0f to its commit; stream threads %.0f ns CPU "
                    + "per sample)%n", repeats, pipelineRate, json.get("pipelineCommittedSamplesPerSec").asDouble(),
                    json.get("streamThreadCpuNsPerSample").asDouble());
            double bytesPerPage;
            // latency after throughput: the hotness code is JIT-compiled by then, as in a service that has run a while
            double[] latency = latencyEpochs > 0 ? latency(cluster, admin, serdes, dir, out, json) : new double[] {Double.NaN,
                Double.NaN, 0};
            bytesPerPage = (double) storeBytes(dir.resolve("hotness-throughput"), HotnessTopology.HEAT_STORE) / distinctPages;
            out.printf(Locale.ROOT, "RocksDB heat store: %.2f bytes per tracked page (%,d pages)%n", bytesPerPage,
                    distinctPages);
            putNumber(json, "p50SampleToMovedMs", latency[0]);
            putNumber(json, "p99SampleToMovedMs", latency[1]);
            json.put("latencySamples", (long) latency[2]);
            json.put("stateBytesPerPage", bytesPerPage);
            json.put("trackedPages", distinctPages);
            json.put("rawSeconds", rawSeconds);
            json.put("rawBytes", rawBytes);
        }
        out.printf(Locale.ROOT, "ratio pipeline/raw: %.3f (to the commit: %.3f)%n", json.get("ratio").asDouble(),
                json.get("ratioCommitted").asDouble());
        Path parent = reportJson.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(reportJson.toFile(), json);
        out.println("report: " + reportJson);
        out.flush();
        if (workDir == null) {
            WorkDirs.deleteTree(dir);
        }
        return 0;
    }

    /** Hosts of timed pass {@code r}: the first pass keeps the bench's historic host names. */
    private List<String> timedHosts(int r, int partitions) {
        return SampleBatches.balancedHosts(r == 0 ? SampleBatches.HOST_PREFIX : "bench-" + r + "-host-", hosts,
                partitions);
    }

    /**
     * Samples/s of each timed pair: raw from the first send to the last record consumed; the pipeline from the first
     * send to the last record processed by the stream threads (both: the consumer side has handled everything),
     * and to the app's commit of its input's end (up to one commit interval more, a fixed cost per pass). Mid-pass
     * rates - between 10% and 90% of the records consumed or processed - are diagnostics, and flatter the pipeline:
     * the load's producer finishes before the pipeline reaches 90%, which then has the cores without it. The
     * report's figures are medians.
     */
    private static final class Rates {
        final List<Double> raw = new ArrayList<>();
        final List<Double> pipeline = new ArrayList<>();
        final List<Double> ratio = new ArrayList<>();
        final List<Double> pipelineCommitted = new ArrayList<>();
        final List<Double> rawMid = new ArrayList<>();
        final List<Double> pipelineMid = new ArrayList<>();

        void add(double rawPass, double pipelinePass, double pipelineToCommit, double rawMidPass,
                 double pipelineMidPass) {
            raw.add(rawPass);
            pipeline.add(pipelinePass);
            ratio.add(pipelinePass / rawPass);
            pipelineCommitted.add(pipelineToCommit);
            rawMid.add(rawMidPass); // NaN: a pass too short to see 10% and 90% apart
            pipelineMid.add(pipelineMidPass);
        }

        void write(ObjectNode json) {
            json.putPOJO("rawKafkaSamplesPerSecRuns", raw);
            json.putPOJO("pipelineSamplesPerSecRuns", pipeline);
            json.putPOJO("ratioRuns", ratio);
            json.putPOJO("pipelineCommittedSamplesPerSecRuns", pipelineCommitted);
            json.putPOJO("rawMidPassSamplesPerSecRuns", rawMid.stream().map(v -> v.isNaN() ? null : v).toList());
            json.putPOJO("pipelineMidPassSamplesPerSecRuns", pipelineMid.stream().map(v -> v.isNaN() ? null : v)
                    .toList());
            json.put("rawKafkaSamplesPerSec", median(raw));
            json.put("pipelineSamplesPerSec", median(pipeline));
            json.put("ratio", median(pipeline) / median(raw));
            json.put("ratioMedianOfPairs", median(ratio));
            json.put("pipelineCommittedSamplesPerSec", median(pipelineCommitted));
            json.put("ratioCommitted", median(pipelineCommitted) / median(raw));
            List<Double> rm = rawMid.stream().filter(v -> !v.isNaN()).toList();
            List<Double> pm = pipelineMid.stream().filter(v -> !v.isNaN()).toList();
            if (!rm.isEmpty() && !pm.isEmpty()) {
                json.put("rawMidPassSamplesPerSec", median(rm));
                json.put("pipelineMidPassSamplesPerSec", median(pm));
                json.put("ratioMidPass", median(pm) / median(rm));
            }
        }
    }

    /** Records processed so far by the app's stream threads (Kafka Streams' thread-level process-total). */
    private static LongSupplier processedRecords(KafkaStreams streams) {
        List<Metric> counters = streams.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-thread-metrics")
                        && e.getKey().name().equals("process-total"))
                .map(Map.Entry::getValue).map(m -> (Metric) m).toList();
        if (counters.isEmpty()) {
            throw new IllegalStateException("the hotness app has no stream-thread-metrics process-total metric");
        }
        return () -> {
            double sum = 0;
            for (Metric m : counters) {
                sum += ((Number) m.metricValue()).doubleValue();
            }
            return (long) sum;
        };
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** What the timed pipeline passes cost, summed over the passes. */
    private static final class PipelineTotals {
        final Map<String, Long> threadCpuNs = new HashMap<>();
        long streamCpuNs;
        long processCpuNs;
        double brokerCpuSeconds;
        long jitMs;
        long gcMs;
        double machineBusy = Double.NaN;
        double machineIdle = Double.NaN;
        long decisions;
        long deadLetters;
        /** System.nanoTime() at the start of the last pass's timing. */
        long lastStartNanos;

        /** Runs one timed pass and adds what it cost; returns its wall seconds. */
        double timedPass(Admin admin, long brokerPid, TimedWork work) throws Exception {
            long dlqBefore = endOffsets(admin, Topics.DLQ.name());
            long decisionsBefore = endOffsets(admin, Topics.DECISIONS.name());
            Map<String, Long> threads0 = threadCpuNs();
            long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long gc0 = gcMillis();
            long cpu0 = streamThreadsCpuNs();
            long proc0 = BenchCommand.processCpuNs();
            double broker0 = cpuSeconds(brokerPid);
            double[] machine0 = machineBusyIdleSeconds();
            long t0 = System.nanoTime();
            lastStartNanos = t0;
            work.run();
            double secs = (System.nanoTime() - t0) / 1e9;
            // CPU of the stream threads alone: steadier than wall time on a shared machine
            streamCpuNs += streamThreadsCpuNs() - cpu0;
            processCpuNs += BenchCommand.processCpuNs() - proc0;
            brokerCpuSeconds += cpuSeconds(brokerPid) - broker0;
            threadCpuNs().forEach((name, ns) -> threadCpuNs.merge(name, ns - threads0.getOrDefault(name, 0L), Long::sum));
            jitMs += ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
            gcMs += gcMillis() - gc0;
            double[] machine1 = machineBusyIdleSeconds();
            if (machine0 != null && machine1 != null) {
                // everything on the machine: broker, registry, this JVM (app + producer), others
                machineBusy = (Double.isNaN(machineBusy) ? 0 : machineBusy) + machine1[0] - machine0[0];
                machineIdle = (Double.isNaN(machineIdle) ? 0 : machineIdle) + machine1[1] - machine0[1];
            }
            deadLetters += endOffsets(admin, Topics.DLQ.name()) - dlqBefore;
            decisions += endOffsets(admin, Topics.DECISIONS.name()) - decisionsBefore;
            return secs;
        }

        void write(ObjectNode json, long timedSamples) {
            json.put("pipelineStreamThreadsCpuSeconds", streamCpuNs / 1e9);
            json.put("streamThreadCpuNsPerSample", (double) streamCpuNs / timedSamples);
            json.put("pipelineProcessCpuSeconds", processCpuNs / 1e9);
            json.put("pipelineBrokerCpuSeconds", brokerCpuSeconds);
            putThreadCpu(json.putObject("pipelineCpuSecondsByThread"), Map.of(), threadCpuNs);
            json.put("pipelineJitCompileMs", jitMs);
            json.put("pipelineGcMs", gcMs);
            if (!Double.isNaN(machineBusy)) {
                json.put("pipelineMachineBusyCpuSeconds", machineBusy);
                json.put("pipelineMachineIdleCpuSeconds", machineIdle);
            }
            json.put("pipelineDecisions", decisions);
            json.put("throughputDeadLetters", deadLetters);
        }
    }

    /** The timed work of a pipeline pass. */
    @FunctionalInterface
    private interface TimedWork {
        void run() throws Exception;
    }

    private List<String> warmHosts(int pass, int partitions) {
        return SampleBatches.balancedHosts("warmup-" + pass + "-host-", hosts, partitions);
    }

    private List<RawKafkaBench.Wire> warmLoad(SerdeFactory serdes, int pass, int partitions) {
        return serialize(serdes, SampleBatches.generate(warmHosts(pass, partitions), warmupSamples, 512, 64, 1000,
                Instant.now().minusSeconds(7200), 7 + pass, churn), partitions);
    }

    /** Owners and node stats of the hosts' generated pages, then waits until the hotness app took them in. */
    private static void publishOwners(String bootstrap, SerdeFactory serdes, List<String> hostNames,
                                      StreamsQuiescence q) throws Exception {
        Instant at = Instant.now().minusSeconds(7300);
        Map<String, Object> p = producerConfig();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        TopicSpec<PfnKey, PageOwner> ot = Topics.PAGE_OWNERS;
        TopicSpec<NodeKey, NodeStats> nt = Topics.NODE_STATS;
        try (KafkaProducer<PfnKey, PageOwner> op = new KafkaProducer<>(p, ot.keySerde(serdes).serializer(),
                ot.valueSerde(serdes).serializer());
             KafkaProducer<NodeKey, NodeStats> np = new KafkaProducer<>(p, nt.keySerde(serdes).serializer(),
                     nt.valueSerde(serdes).serializer())) {
            for (Map.Entry<NodeKey, NodeStats> e : SampleBatches.nodes(hostNames, 512, 64, at)) {
                np.send(new ProducerRecord<>(nt.name(), e.getKey(), e.getValue()));
            }
            for (Map.Entry<PfnKey, PageOwner> e : SampleBatches.owners(hostNames, 512, 64, at)) {
                op.send(new ProducerRecord<>(ot.name(), e.getKey(), e.getValue()));
            }
        }
        q.await(Set.of(Topics.PAGE_OWNERS.name(), Topics.NODE_STATS.name()), Duration.ofMinutes(5));
    }

    /** The load of a warm-up pass, built (and its owners published) outside the pass's timing. */
    @FunctionalInterface
    private interface WarmLoad {
        List<RawKafkaBench.Wire> get(int pass) throws Exception;
    }

    /** One warm-up step over a load. */
    @FunctionalInterface
    private interface WarmPass {
        void run(List<RawKafkaBench.Wire> load) throws Exception;
    }

    /**
     * Runs warm-up pairs (raw, then pipeline, over the same load) until two pairs in a row spend under a tenth of
     * their wall time in the JIT compiler (at least two pairs, at most {@code max}); returns the pairs run. Loads
     * are generated outside the pairs' timing.
     */
    private static int warmUp(PrintWriter out, int max, WarmLoad loads, WarmPass raw, WarmPass pipeline)
            throws Exception {
        int pass = 0;
        int quiet = 0;
        while (pass < max) {
            List<RawKafkaBench.Wire> load = loads.get(pass++);
            long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long t0 = System.nanoTime();
            raw.run(load);
            long t1 = System.nanoTime();
            pipeline.run(load);
            double wallMs = (System.nanoTime() - t0) / 1e6;
            long jitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
            out.printf(Locale.ROOT, "warm-up pair %d: raw %.2f s, pipeline %.2f s, %d ms compiling%n", pass,
                    (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, jitMs);
            out.flush();
            quiet = jitMs < 0.1 * wallMs ? quiet + 1 : 0;
            if (pass >= 2 && quiet >= 2) {
                break;
            }
        }
        return pass;
    }

    /** CPU nanoseconds of this JVM's live threads by name (numbers in names folded, so pools add up). */
    private static Map<String, Long> threadCpuNs() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            long ns = t == null ? -1 : mx.getThreadCpuTime(t.getThreadId());
            if (ns > 0) {
                out.merge(t.getThreadName().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "ID").replaceAll("\\d+", "N"), ns,
                        Long::sum);
            }
        }
        return out;
    }

    /** The threads that used at least 50 ms of CPU between the two snapshots, busiest first. */
    private static void putThreadCpu(ObjectNode into, Map<String, Long> before, Map<String, Long> after) {
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() >= 50_000_000L)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> into.put(e.getKey(), Math.round(e.getValue() / 1e6) / 1e3));
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    /** CPU time of this JVM's Kafka Streams stream threads. */
    private static long streamThreadsCpuNs() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains("-StreamThread-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    /** CPU seconds of a process (the broker child JVM), 0 when the OS does not tell. */
    private static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    private static long processCpuNs() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /** Busy and idle CPU seconds of the whole machine from /proc/stat, or null off Linux. */
    private static double[] machineBusyIdleSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                if (i == 4 || i == 5) {
                    idle += v; // idle, iowait
                } else {
                    busy += v;
                }
            }
            return new double[] {busy / 100.0, idle / 100.0}; // USER_HZ
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Commits the group's offsets at the current ends of the topics, so an application started now skips their past. */
    private static void startAtEnds(Admin admin, String group, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> at = new HashMap<>();
        latestOffsets(admin, topics, IsolationLevel.READ_UNCOMMITTED)
                .forEach((tp, offset) -> at.put(tp, new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(group, at).all().get(30, TimeUnit.SECONDS);
    }

    /** Sum of the read-committed end offsets of a topic's partitions. */
    private static long endOffsets(Admin admin, String topic) throws Exception {
        return latestOffsets(admin, List.of(topic), IsolationLevel.READ_COMMITTED).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    /** End offset of every partition of the topics. */
    private static Map<TopicPartition, Long> latestOffsets(Admin admin, List<String> topics, IsolationLevel isolation)
            throws Exception {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((t, d) -> d.partitions()
                .forEach(p -> ask.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(ask, new ListOffsetsOptions(isolation)).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    private static void putNumber(ObjectNode json, String field, double v) {
        if (Double.isNaN(v)) {
            json.putNull(field);
        } else {
            json.put(field, v);
        }
    }

    /**
     * Sample-to-moved latency of the live pipeline: emulated hosts in real time, wall clock. The first third
     * of the epochs is warm-up - a cold JVM and broker, every page first touched and published, the fast tier
     * filled by a burst of promotions; measured per second of evidence (--latency-csv), that backlog drains in
     * 8-13 s - and is reported apart ({@code p99SampleToMovedMsAll}); the percentiles are of the epochs after it.
     */
    private double[] latency(LocalCluster cluster, Admin admin, SerdeFactory serdes, Path dir, PrintWriter out,
                             ObjectNode json) throws Exception {
        Map<String, Object> hp = LocalHotness.props(cluster.bootstrapServers(), cluster.registryUrl(),
                dir.resolve("hotness-latency"), "thermocline-bench-latency", epochMs);
        int warmEpochs = latencyEpochs / 3;
        // the app starts at the ends of its input topics: the throughput run's records are not its business
        startAtEnds(admin, "thermocline-bench-latency", List.of(Topics.PAGE_ACCESS.name(), Topics.PAGE_OWNERS.name(),
                Topics.PFN_MOVES.name(), Topics.NODE_STATS.name()));
        long startMs;
        try (HotnessApp app = new HotnessApp(new HotnessConfig(hp), serdes).start()) {
            LocalHotness.awaitRunning(app.streams());
            Fleet.Settings s = new Fleet.Settings(2, List.of("gups-hotset", "zipf"), 8192, 0.25, latencyEpochs, 7,
                    epochMs, 32768, false, "", dir);
            startMs = System.currentTimeMillis();
            try (Fleet fleet = new Fleet(s, cluster.bootstrapServers(), cluster.registryUrl(), serdes, null)) {
                fleet.run();
            }
        }
        PipelineResults all = PipelineResults.read(cluster.bootstrapServers(), serdes, Duration.ofSeconds(60));
        PipelineResults r = PipelineResults.read(cluster.bootstrapServers(), serdes, Duration.ofSeconds(60),
                startMs + warmEpochs * epochMs);
        json.put("latencyWarmupEpochs", warmEpochs);
        if (latencyCsv != null) {
            StringBuilder csv = new StringBuilder("evidence_ms_since_start,sample_to_moved_ms\n");
            for (int i = 0; i < all.sampleToMovedMs().length; i++) {
                csv.append(all.evidenceMs()[i] - startMs).append(',').append((long) all.sampleToMovedMs()[i]).append('\n');
            }
            Files.writeString(latencyCsv, csv.toString());
        }
        putNumber(json, "p50SampleToMovedMsAll", all.percentile(50));
        putNumber(json, "p99SampleToMovedMsAll", all.percentile(99));
        out.printf(Locale.ROOT, "live pipeline (2 hosts, %d epochs of %d ms, real time): %,d moved; sample-to-moved "
                + "after %d warm-up epochs p50 %.0f ms, p99 %.0f ms (all epochs: p50 %.0f ms, p99 %.0f ms)%n",
                latencyEpochs, epochMs, all.sampleToMovedMs().length, warmEpochs, r.percentile(50), r.percentile(99),
                all.percentile(50), all.percentile(99));
        out.flush();
        return new double[] {r.percentile(50), r.percentile(99), r.sampleToMovedMs().length};
    }

    private static Map<String, Object> producerConfig() {
        Map<String, Object> p = new HashMap<>();
        // as the sampler sends: idempotent, lz4, small linger
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        return p;
    }

    private static void produce(String bootstrap, List<RawKafkaBench.Wire> load) {
        Map<String, Object> p = producerConfig();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (RawKafkaBench.Wire r : load) {
                producer.send(new ProducerRecord<>(Topics.PAGE_ACCESS.name(), r.partition(), r.key(), r.value()));
            }
            producer.flush();
        }
    }

    /** The samplers' bytes, partitioned by host as the samplers send them. */
    private static List<RawKafkaBench.Wire> serialize(SerdeFactory serdes, List<SampleBatches.Item> items,
                                                      int partitions) {
        TopicSpec<PfnBlockKey, PageAccessBatch> t = Topics.PAGE_ACCESS;
        Serializer<PfnBlockKey> ks = t.keySerde(serdes).serializer();
        Serializer<PageAccessBatch> vs = t.valueSerde(serdes).serializer();
        List<RawKafkaBench.Wire> out = new ArrayList<>(items.size());
        for (SampleBatches.Item i : items) {
            out.add(new RawKafkaBench.Wire(HostPartitioning.partition(i.key().getHost(), partitions),
                    ks.serialize(t.name(), i.key()), vs.serialize(t.name(), i.value())));
        }
        return out;
    }

    private static long storeBytes(Path stateDir, String store) {
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.filter(p -> p.toString().contains(store) && Files.isRegularFile(p)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
