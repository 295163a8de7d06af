package io.thermocline.emulator.policy;

import io.thermocline.emulator.sample.SampleSource;
import java.util.List;
import java.util.Set;

/**
 * The placement-policy SPI. Each policy of a run gets its own copy of the machine and sees the same access
 * stream. Per epoch the emulator: runs the accesses, collects the samples the policy asked for, calls
 * {@link #decide}, validates every decision (stale PFN, pins, capacity), applies the valid ones with the cost
 * model, and reports the outcomes through {@link #applied}. Decisions are applied before the next epoch runs
 * (lockstep), so a run is deterministic for a deterministic policy.
 *
 * <p>Implementations are single-threaded per run (the emulator never calls one instance concurrently) but
 * several runs may execute on different threads, so policies must not share mutable state.
 * Third-party policies are found through {@link PlacementPolicyProvider} (java.util.ServiceLoader).
 */
public interface PlacementPolicy {
    /** Name in reports (e.g. {@code numab2}, {@code thermocline}). */
    String name();

    /** Sample sources this policy consumes; only these are computed for it. */
    default Set<SampleSource> sources() {
        return Set.of();
    }

    /** PEBS-like sampling period (1 in N accesses) when {@link SampleSource#PEBS} is requested. */
    default int pebsPeriod() {
        return 16;
    }

    /** Whether the policy gets {@link EpochInput#lookahead()} (the oracle; nothing else should). */
    default boolean clairvoyant() {
        return false;
    }

    /** Called once before the run. */
    default void init(PolicyContext ctx) {
    }

    /** Returns the decisions for the epoch that just ended; they are applied in list order. */
    List<Decision> decide(EpochInput input);

    /** Outcomes of the decisions returned by the last {@link #decide}, in the same order. */
    default void applied(EpochInput input, List<DecisionOutcome> outcomes) {
    }

    /** Called once after the last epoch. */
    default void close() {
    }
}
