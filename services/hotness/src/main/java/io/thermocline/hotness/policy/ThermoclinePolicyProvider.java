package io.thermocline.hotness.policy;

import io.thermocline.emulator.policy.PlacementPolicy;
import io.thermocline.emulator.policy.PlacementPolicyProvider;

/** Registers the {@code thermocline} policy with the emulator (ServiceLoader); included in {@code --policies all}. */
public final class ThermoclinePolicyProvider implements PlacementPolicyProvider {

    @Override
    public String name() {
        return ThermoclinePolicy.NAME;
    }

    @Override
    public PlacementPolicy create() {
        return new ThermoclinePolicy();
    }
}
