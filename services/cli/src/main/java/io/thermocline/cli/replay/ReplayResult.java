package io.thermocline.cli.replay;

import java.util.List;
import java.util.Map;

/**
 * What a replay found.
 *
 * @param applicationId   the fresh application id the what-if topology ran under
 * @param records         retained records read (all topics)
 * @param overrides       the --set overrides, as given
 * @param hosts           per-host comparison, by host id
 * @param actual          actual, all hosts
 * @param whatIf          what-if, all hosts
 */
public record ReplayResult(String applicationId, long records, Map<String, String> overrides, List<HostResult> hosts,
                           ReplayMetrics actual, ReplayMetrics whatIf) {

    /**
     * One host.
     *
     * @param host               host id
     * @param windows            sampler windows replayed
     * @param firstWindowMs      start of the first replayed window (epoch ms)
     * @param lastWindowEndMs    end of the last replayed window
     * @param batches            PageAccessBatch records replayed
     * @param unresolvedSamples  samples on frames with no known owner at that time (left out of both sides)
     * @param pages              page identities (pid, vaddr) in the what-if copy
     * @param actual             the real system
     * @param whatIf             the emulator copy under the overridden topology
     */
    public record HostResult(String host, int windows, long firstWindowMs, long lastWindowEndMs, long batches,
                             long unresolvedSamples, int pages, ReplayMetrics actual, ReplayMetrics whatIf) {
    }

    static ReplayResult of(String applicationId, long records, Map<String, String> overrides, List<HostResult> hosts) {
        ReplayMetrics a = ReplayMetrics.ZERO;
        ReplayMetrics w = ReplayMetrics.ZERO;
        for (HostResult h : hosts) {
            a = a.plus(h.actual());
            w = w.plus(h.whatIf());
        }
        return new ReplayResult(applicationId, records, Map.copyOf(overrides), List.copyOf(hosts), a, w);
    }
}
