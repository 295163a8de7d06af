package io.thermocline.emulator;

/**
 * Emulated-time cost model. Access latency comes from each node's {@link NodeSpec#latencyNs()}; this record
 * holds the migration costs and the defaults for node latencies. Sources of every default: docs/emulator.md.
 *
 * @param dramLatencyNs        default DRAM load latency (ns)
 * @param cxlLatencyFactor     CXL latency as a multiple of DRAM
 * @param pageMigrationNs      cost of migrating one 4 KiB page in a batched move_pages call (ns)
 * @param folioMigrationNs     cost of migrating one 2 MiB folio (ns)
 * @param deviceFaultNs        cost of a CPU fault on a device-private page (fault + migrate_to_ram), ns
 */
public record CostModel(double dramLatencyNs, double cxlLatencyFactor, double pageMigrationNs,
                        double folioMigrationNs, double deviceFaultNs) {

    public static final double DEFAULT_DRAM_NS = 90.0;
    public static final double DEFAULT_CXL_FACTOR = 2.4;
    public static final double DEFAULT_PAGE_MIGRATION_NS = 2_000.0;
    public static final double DEFAULT_FOLIO_MIGRATION_NS = 200_000.0;
    public static final double DEFAULT_DEVICE_FAULT_NS = 10_000.0;
    /** Bandwidths reported in NodeStats (GB/s): one DDR5-4800 channel, one CXL x8 expander. */
    public static final double DEFAULT_DRAM_GBPS = 38.4;
    public static final double DEFAULT_CXL_GBPS = 25.0;

    public CostModel {
        if (!(dramLatencyNs > 0) || !(cxlLatencyFactor >= 1) || !(pageMigrationNs >= 0)
                || !(folioMigrationNs >= 0) || !(deviceFaultNs >= 0)) {
            throw new IllegalArgumentException("invalid cost model");
        }
    }

    public static CostModel defaults() {
        return new CostModel(DEFAULT_DRAM_NS, DEFAULT_CXL_FACTOR, DEFAULT_PAGE_MIGRATION_NS,
                DEFAULT_FOLIO_MIGRATION_NS, DEFAULT_DEVICE_FAULT_NS);
    }

    public double cxlLatencyNs() {
        return dramLatencyNs * cxlLatencyFactor;
    }
}
