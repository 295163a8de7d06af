package io.thermocline.emulator.policy;

/**
 * ServiceLoader entry point for policies that live in other modules (e.g. the hotness topology registers a
 * provider named {@code thermocline}). Register in {@code META-INF/services/io.thermocline.emulator.policy.PlacementPolicyProvider}.
 */
public interface PlacementPolicyProvider {
    /** Policy name as used with {@code --policies}. */
    String name();

    /** A fresh instance per run (never shared between runs). */
    PlacementPolicy create();

    /** Whether {@code --policies all} includes it. */
    default boolean inAll() {
        return true;
    }
}
