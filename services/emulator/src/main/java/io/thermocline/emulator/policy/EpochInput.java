package io.thermocline.emulator.policy;

import io.thermocline.emulator.PfnMove;
import io.thermocline.emulator.sample.SampleBatch;
import java.util.List;

/**
 * Everything a policy receives at an epoch boundary. Epoch -1 is the call before epoch 0 (after the
 * workloads initialised their memory): no samples yet.
 *
 * @param epoch         epoch that just ended (-1 before the first)
 * @param windowStartNs start of that epoch on the policy clock
 * @param windowEndNs   end of that epoch (= now)
 * @param epochNs       epoch length on the policy clock
 * @param samples       batches from the sources the policy asked for ({@link PlacementPolicy#sources()})
 * @param nodeStats     per-node capacity and free pages now
 * @param moves         every PFN change since the previous call (the policy's own and the kernel's)
 * @param view          read-only page tables and reverse map of the policy's machine
 * @param kernel        kernel-side observations (only kernel baselines should use them)
 * @param lookahead     the coming epoch's true access counts; null unless {@link PlacementPolicy#clairvoyant()}
 * @param pins          pins in force
 */
public record EpochInput(long epoch, long windowStartNs, long windowEndNs, long epochNs, List<SampleBatch> samples,
                         List<NodeStats> nodeStats, List<PfnMove> moves, MachineView view, KernelTelemetry kernel,
                         Lookahead lookahead, PinSet pins) {
}
