package io.thermocline.emulator.policy;

/**
 * One placement decision: move the page at (pid, vaddr), which the policy believes occupies
 * {@code expectedPfn}, to {@code targetNode}. The emulator re-resolves (pid, vaddr) and refuses the decision
 * as STALE_PFN when the page has moved since, and as PINNED when a pin forbids the target.
 *
 * @param pid         process id
 * @param vaddr       virtual address (any address in the page)
 * @param expectedPfn frame the policy saw, or {@link #NOT_PRESENT} to place a page that is not mapped yet
 * @param targetNode  destination node
 * @param reason      why
 * @param wholeFolio  move the whole 2 MiB folio containing the page (when it is in one)
 * @param score       policy-specific priority, informational
 */
public record Decision(int pid, long vaddr, long expectedPfn, int targetNode, Reason reason, boolean wholeFolio,
                       double score) {
    /** {@code expectedPfn} value for "the page is not mapped yet; place it there when first touched now". */
    public static final long NOT_PRESENT = -1;

    public static Decision promote(int pid, long vaddr, long expectedPfn, int targetNode) {
        return new Decision(pid, vaddr, expectedPfn, targetNode, Reason.PROMOTE_HOT, false, 0);
    }

    public static Decision demote(int pid, long vaddr, long expectedPfn, int targetNode) {
        return new Decision(pid, vaddr, expectedPfn, targetNode, Reason.DEMOTE_COLD, false, 0);
    }
}
