package io.thermocline.emulator.run;

/**
 * Metrics of one policy for one epoch (including the decisions applied at the end of that epoch).
 *
 * @param epoch          epoch number
 * @param accesses       accesses served
 * @param fastAccesses   accesses served by fast-tier (DRAM) nodes
 * @param accessNs       emulated access time (sum of node latencies), ns
 * @param migrationNs    emulated migration time (moves, folio moves, device faults), ns
 * @param promotedPages  pages moved to a faster node by the policy
 * @param demotedPages   pages moved to a slower node by the policy
 * @param pingPongs      promotions of pages that had been promoted and then demoted before
 * @param staleRefused   decisions refused because the page had moved (STALE_PFN)
 * @param pinViolations  decisions refused because a pin forbids the target (PINNED)
 * @param otherRefused   decisions that did not move for another reason (NO_CAPACITY, BUSY, NOT_PRESENT, ...)
 * @param decisions      decisions returned by the policy
 * @param kernelMoves    background kernel moves (compaction, device fault-back)
 */
public record EpochMetrics(int epoch, long accesses, long fastAccesses, double accessNs, double migrationNs,
                           long promotedPages, long demotedPages, long pingPongs, long staleRefused,
                           long pinViolations, long otherRefused, long decisions, long kernelMoves) {

    public double fastAccessRatio() {
        return accesses == 0 ? 0 : (double) fastAccesses / accesses;
    }

    public double emulatedSeconds() {
        return (accessNs + migrationNs) / 1e9;
    }
}
