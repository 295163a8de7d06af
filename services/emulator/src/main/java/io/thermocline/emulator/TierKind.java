package io.thermocline.emulator;

/** Kind of memory a NUMA node provides (same symbols as the Avro {@code TierKind}). */
public enum TierKind {
    /** CPU-attached DRAM: the fast tier. */
    DRAM,
    /** CXL.mem expander: CPU-accessible, slower. */
    CXL,
    /** Device memory that the CPU can access coherently (ZONE_DEVICE coherent). */
    DEVICE_COHERENT,
    /** Device memory the CPU cannot access: a CPU access faults the page back to RAM (migrate_to_ram()). */
    DEVICE_PRIVATE;

    /** Whether a CPU load/store can be served from this kind of memory. */
    public boolean cpuAccessible() {
        return this != DEVICE_PRIVATE;
    }

    /** Whether first-touch allocation may place a page here (device memory is only reached by migration). */
    public boolean firstTouchTarget() {
        return this == DRAM || this == CXL;
    }
}
