package io.thermocline.emulator.policy;

import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.NodeSpec;
import java.util.List;

/**
 * Fixed facts given to a policy once, before the run.
 *
 * @param host    host id
 * @param nodes   node topology
 * @param epochNs epoch length on the policy clock (timers of kernel mechanisms run on this clock)
 * @param epochs  number of epochs
 * @param seed    seed for any randomness the policy uses
 * @param cost    cost model
 * @param pins    pins in force
 */
public record PolicyContext(String host, List<NodeSpec> nodes, long epochNs, int epochs, long seed, CostModel cost,
                            PinSet pins) {
}
