package io.thermocline.emulator.workload;

/**
 * A seeded source of page accesses for one emulated process. Pages are numbered 0..pages()-1 in VA order;
 * each epoch the workload writes {@link #epochAccesses(int)} page indices into a buffer.
 */
public interface Workload {
    /** Short name for reports, e.g. {@code gups-hotset}. */
    String name();

    /** Footprint in 4 KiB pages. */
    int pages();

    /** Page-aligned virtual addresses (sorted) for sparse address spaces such as traces; null for dense. */
    default long[] pageVas() {
        return null;
    }

    /**
     * Whether the program initialises all of its memory in address order before the measured loop (GUPS and
     * friends do). The emulator then touches every page once, in VA order, before epoch 0 (not measured).
     */
    default boolean initSweep() {
        return true;
    }

    /** Number of accesses in an epoch. */
    int epochAccesses(int epoch);

    /**
     * Writes epoch {@code epoch}'s accesses (page indices) to {@code buf[off .. off + epochAccesses(epoch))}.
     * Must be deterministic: the same epoch always yields the same accesses. Epochs are requested in order.
     */
    void fill(int epoch, int[] buf, int off);
}
