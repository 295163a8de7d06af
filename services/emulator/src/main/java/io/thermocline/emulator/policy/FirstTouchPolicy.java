package io.thermocline.emulator.policy;

import java.util.List;

/** Never migrates: pages stay where first touch put them (Linux with NUMA balancing and demotion off). */
public final class FirstTouchPolicy implements PlacementPolicy {
    public static final String NAME = "first-touch";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Decision> decide(EpochInput input) {
        return List.of();
    }
}
