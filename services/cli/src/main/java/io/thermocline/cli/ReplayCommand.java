package io.thermocline.cli;

import io.thermocline.cli.replay.ProgressBar;
import io.thermocline.cli.replay.ReplayEngine;
import io.thermocline.cli.replay.ReplayOverrides;
import io.thermocline.cli.replay.ReplayReport;
import io.thermocline.cli.replay.ReplayResult;
import io.thermocline.cli.replay.RetainedReader;
import io.thermocline.topics.TopicSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code thermocline replay}: what-if analysis on the retained tc.page-access topic. See docs/replay.md.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "What-if analysis: replays the retained tc.page-access topic (with tc.page-owners, tc.node-stats, "
                    + "tc.policy-pins, tc.pfn-moves, tc.results) through the same hotness topology with overridden "
                    + "parameters, applies its decisions to an emulator copy of each host, and prints actual vs "
                    + "what-if: fast-tier ratio, moves (promoted/demoted), ping-pongs, stale refusals.",
            "",
            "Isolation: the topology runs in-process (Kafka Streams TopologyTestDriver, real RocksDB stores, real "
                    + "Avro serdes on an in-memory registry scope) under a fresh application id "
                    + "(thermocline-replay-<uuid>). The retained topics are read with a plain consumer (no group, "
                    + "nothing committed); what-if decisions exist only inside the driver, so nothing is written "
                    + "to tc.decisions or any other broker topic.",
            "",
            "Samples are mapped back to page identities (host, pid, vaddr) with the owner and PFN-move history, so "
                    + "the what-if copy can place the same pages differently. Deterministic for the same input.",
        },
        footer = {"", "Details: docs/replay.md"})
public final class ReplayCommand implements Callable<Integer> {

    /** Where to start in tc.page-access (one of). */
    static final class StartOptions {
        @Option(names = "--from-beginning", description = "Replay from the start of the retained topic (default).")
        boolean beginning;
        @Option(names = "--from-offset", paramLabel = "N",
                description = "Replay from offset N of each tc.page-access partition.")
        Long offset;
        @Option(names = "--from-time", paramLabel = "ISO8601",
                description = "Replay from the first record at or after this time, e.g. 2026-11-26T06:00:00Z.")
        String time;
    }

    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ClusterOptions cluster;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    StartOptions start;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a hotness parameter for the what-if run (repeatable), e.g. --set window.ms=2000 "
                    + "--set rate.limit.mbps=50 --set fast.headroom.fraction=0.1. Validated by the hotness "
                    + "application's own config definition.")
    List<String> sets = new ArrayList<>();
    @Option(names = "--config", paramLabel = "FILE",
            description = "Hotness properties to start from (e.g. the live application's), before --set.")
    Path configFile;
    @Option(names = "--host", paramLabel = "H", description = "Replay only this host (default: every host).")
    String host;
    @Option(names = "--report-json", paramLabel = "PATH", description = "Also write the comparison as JSON.")
    Path reportJson;
    @Option(names = "--timeout", defaultValue = "300s", converter = PinCommand.DurationConverter.class,
            description = "Give up reading the retained topics after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;
    @Option(names = "--no-progress", description = "Do not draw progress bars on stderr.")
    boolean noProgress;
    @Option(names = "--register-schemas", description = "Register the catalogue's schemas before reading, in the "
            + "order the pipeline does at start-up: lets a restarted local (in-memory) registry decode topics kept "
            + "on disk, e.g. a demo's --work-dir. Not needed against a registry that kept its schemas.")
    boolean registerSchemas;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        Map<String, String> overrides;
        Map<String, String> base;
        RetainedReader.Start from = start();
        try {
            overrides = ReplayOverrides.parse(sets);
            base = loadBase();
            ReplayOverrides.config(base, overrides, "thermocline-replay-check", "unused"); // values, before any I/O
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
        PrintWriter err = cl.getErr();
        try {
            if (registerSchemas) {
                try {
                    TopicSerdes.registerSchemas(cluster.serdeConfigs());
                } catch (RuntimeException e) {
                    throw new CliFailure("cannot register the schemas at " + cluster.registryUrl() + ": "
                            + e.getMessage());
                }
            }
            RetainedReader reader = new RetainedReader(cluster.clientConfigs("thermocline-replay"),
                    TopicSerdes.fromConfig(cluster.serdeConfigs()), timeout);
            AtomicReference<ProgressBar> readBar = new AtomicReference<>();
            RetainedReader.Read read = reader.read(from, host,
                    total -> readBar.set(noProgress ? null : new ProgressBar(err, "read  ", total)),
                    n -> {
                        if (readBar.get() != null) {
                            readBar.get().advance(n);
                        }
                    });
            if (readBar.get() != null) {
                readBar.get().finish();
            }
            if (read.input().batchCount() == 0) {
                throw new CliFailure("no tc.page-access records to replay" + (host == null ? "" : " for host " + host)
                        + " in the chosen range");
            }
            ProgressBar bar = noProgress ? null : new ProgressBar(err, "replay", read.input().batchCount());
            ReplayResult result;
            try {
                result = ReplayEngine.run(read.input(), base, overrides, host == null ? List.of() : List.of(host),
                        ReplayEngine.newApplicationId(), n -> {
                            if (bar != null) {
                                bar.advance(n);
                            }
                        });
            } catch (IllegalStateException e) {
                throw new CliFailure(e.getMessage());
            } finally {
                if (bar != null) {
                    bar.finish();
                }
            }
            PrintWriter out = cl.getOut();
            out.print(ReplayReport.table(result));
            out.flush();
            if (reportJson != null) {
                ReplayReport.write(reportJson, ReplayReport.json(result, read.recordsPerTopic()));
                out.println("report written to " + reportJson);
                out.flush();
            }
            return 0;
        } catch (CliFailure f) {
            return CliFailure.report(spec, f);
        } catch (IllegalStateException e) {
            return CliFailure.report(spec, new CliFailure(e.getMessage()));
        } catch (IOException e) {
            return CliFailure.report(spec, new CliFailure("cannot write " + reportJson + ": " + e.getMessage()));
        } catch (KafkaException e) {
            return CliFailure.report(spec, new CliFailure("Kafka error reading the retained topics: "
                    + e.getMessage()));
        }
    }

    private RetainedReader.Start start() {
        if (start == null || start.beginning) {
            return RetainedReader.Start.BEGINNING;
        }
        if (start.offset != null) {
            if (start.offset < 0) {
                throw new ParameterException(spec.commandLine(), "--from-offset must be >= 0, got " + start.offset);
            }
            return RetainedReader.Start.offset(start.offset);
        }
        return RetainedReader.Start.time(parseTime(start.time));
    }

    private Instant parseTime(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                throw new ParameterException(spec.commandLine(),
                        "--from-time expects an ISO-8601 instant such as 2026-11-26T06:00:00Z, got '" + s + "'");
            }
        }
    }

    private Map<String, String> loadBase() {
        Map<String, String> m = new LinkedHashMap<>();
        if (configFile == null) {
            return m;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(configFile)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --config " + configFile + ": " + e.getMessage());
        }
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k));
        }
        return m;
    }
}
