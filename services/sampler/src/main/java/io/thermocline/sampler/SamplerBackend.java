package io.thermocline.sampler;

import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PfnMove;
import java.util.List;

/** Where the sampler's observations come from: a Linux host or an emulated one. */
public interface SamplerBackend extends AutoCloseable {

    /** One ownership scan step of at most {@code budgetPages} virtual pages (kmmscand's scan_size). */
    OwnerScan scanOwners(long budgetPages) throws Exception;

    /** Access windows completed since the previous call; {@code ownedPfns} (sorted) are the frames worth reporting. */
    List<AccessWindow> sampleAccesses(long[] ownedPfns) throws Exception;

    /** Current node capacities and tiers. */
    List<NodeStats> nodeStats(long nowMs) throws Exception;

    /** Node owning a frame, -1 when unknown. */
    int nodeOfPfn(long pfn);

    /**
     * Moves the backend itself knows were not Thermocline's (the emulator reports its kernel moves with their cause);
     * Linux returns none: there the tracker infers them from VA -> PFN changes.
     */
    default List<PfnMove> knownKernelMoves() {
        return List.of();
    }

    @Override
    default void close() throws java.io.IOException {
    }

    /** Observations of one scan step; {@code passComplete} when every tracked process was covered. */
    record OwnerScan(List<OwnerObservation> pages, long scannedPages, boolean passComplete) {
    }
}
