package io.thermocline.cli.replay;

/**
 * One side of the comparison (actual or what-if) for one host or for all hosts.
 *
 * @param accesses        sampled accesses counted (resolved to a page identity)
 * @param fastAccesses    of those, accesses served by a fast-tier (DRAM) node
 * @param promotedPages   pages moved to a faster node by the migrator (what-if: by the replayed decisions)
 * @param demotedPages    pages moved to a slower node
 * @param pingPongs       promotions of a page that had been promoted and then demoted before
 * @param staleRefused    decisions refused because the page no longer had the decided PFN
 * @param pinRefused      decisions refused because a pin forbids the target (must stay 0 for the topology)
 * @param decisions       decisions made (actual: results seen on tc.results)
 */
public record ReplayMetrics(long accesses, long fastAccesses, long promotedPages, long demotedPages, long pingPongs,
                            long staleRefused, long pinRefused, long decisions) {

    public static final ReplayMetrics ZERO = new ReplayMetrics(0, 0, 0, 0, 0, 0, 0, 0);

    /** Fraction of accesses served by the fast tier; 0 when nothing was accessed. */
    public double fastAccessRatio() {
        return accesses == 0 ? 0.0 : (double) fastAccesses / accesses;
    }

    public long movedPages() {
        return promotedPages + demotedPages;
    }

    public ReplayMetrics plus(ReplayMetrics o) {
        return new ReplayMetrics(accesses + o.accesses, fastAccesses + o.fastAccesses, promotedPages + o.promotedPages,
                demotedPages + o.demotedPages, pingPongs + o.pingPongs, staleRefused + o.staleRefused,
                pinRefused + o.pinRefused, decisions + o.decisions);
    }
}
