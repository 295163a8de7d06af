package io.thermocline.cli.replay;

import io.thermocline.cli.WorkDirs;
import io.thermocline.hotness.HotnessConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The replay core, independent of Kafka clients: given the retained records and the what-if parameters, replays
 * every host (see {@link HostReplay}) and sums the comparison. The topology runs in-process under a fresh
 * application id and with an in-memory schema registry scope, so nothing is written to any broker topic.
 */
public final class ReplayEngine {

    /** Receives progress in PageAccessBatch records replayed. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = n -> { };

        void advanced(long batches);
    }

    private ReplayEngine() {
    }

    /** A fresh application id for one replay run. */
    public static String newApplicationId() {
        return "thermocline-replay-" + UUID.randomUUID();
    }

    /**
     * Replays {@code input} with the given overrides (validated by {@link ReplayOverrides}).
     *
     * @param base      hotness properties to start from (e.g. the live application's), may be empty
     * @param overrides what-if parameters
     * @param hosts     hosts to replay; empty = every host with samples
     */
    public static ReplayResult run(ReplayInput input, Map<String, String> base, Map<String, String> overrides,
                                   Collection<String> hosts, String applicationId, Progress progress) {
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("thermocline-replay");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            HotnessConfig cfg = ReplayOverrides.config(base, overrides, applicationId, stateDir.toString());
            List<String> todo = hosts.isEmpty() ? input.hosts() : List.copyOf(hosts);
            List<ReplayResult.HostResult> results = new ArrayList<>();
            int i = 0;
            for (String host : todo) {
                String scope = applicationId + "-" + i++;
                results.add(new HostReplay(host, input, cfg, scope, progress).run());
            }
            return ReplayResult.of(applicationId, input.recordCount(), overrides, results);
        } finally {
            WorkDirs.deleteTree(stateDir);
        }
    }
}
