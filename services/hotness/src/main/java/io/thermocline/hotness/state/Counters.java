package io.thermocline.hotness.state;

/** Names of the per-host stage-2 counters (exposed by the interactive-query endpoint). */
public final class Counters {
    public static final String DECISIONS = "decisions";
    public static final String PROMOTIONS = "promotions";
    public static final String DEMOTIONS = "demotions";
    public static final String ENFORCEMENTS = "pinEnforcements";
    public static final String PIN_CONFLICTS = "pinConflicts";
    public static final String PIN_BLOCKED = "pinBlocked";
    public static final String STALE_DROPPED = "staleCandidatesDropped";
    public static final String RATE_LIMITED = "rateLimited";
    public static final String HYSTERESIS_HELD = "hysteresisHeld";
    public static final String COOLDOWN_BLOCKED = "cooldownBlocked";
    public static final String IN_FLIGHT = "inFlightSkipped";
    public static final String NO_CAPACITY = "noCapacity";
    public static final String EVALUATIONS = "evaluations";

    private Counters() {
    }
}
