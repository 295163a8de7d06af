package io.thermocline.emulator.policy;

/**
 * What the kernel itself can observe about the last epoch, for the kernel-side baselines: PTE accessed bits,
 * and the time of the first access to a page (when a NUMA hint fault would fire). {@link #accessCount} is only
 * used by the DAMON model to derive the probability that a page's accessed bit is set within one 5 ms sampling
 * window; no baseline uses counts directly.
 */
public interface KernelTelemetry {
    /** Whether the frame's accessed bit was set during the epoch. */
    boolean accessed(long pfn);

    /** Policy-clock time of the first access to the frame in the epoch; meaningful only if accessed. */
    long firstAccessNs(long pfn);

    /** Accesses to the frame during the epoch. */
    int accessCount(long pfn);
}
