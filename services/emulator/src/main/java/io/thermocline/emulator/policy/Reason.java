package io.thermocline.emulator.policy;

/** Why a decision was made (symbols of the Avro {@code DecisionReason}). */
public enum Reason {
    PROMOTE_HOT,
    DEMOTE_COLD,
    ENFORCE_PIN
}
