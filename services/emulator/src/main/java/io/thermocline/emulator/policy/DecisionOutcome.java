package io.thermocline.emulator.policy;

import io.thermocline.emulator.MoveStatus;

/**
 * What the emulator did with a decision (shape of the Avro {@code MigrationResult}).
 *
 * @param decision the decision
 * @param status   per-page status (for a whole-folio move: MOVED if the head page moved)
 * @param oldPfn   frame before (-1 if not present)
 * @param newPfn   frame after, -1 unless moved
 * @param pages    pages moved by this decision (512 for a folio)
 */
public record DecisionOutcome(Decision decision, MoveStatus status, long oldPfn, long newPfn, int pages) {
}
