package io.thermocline.emulator.policy;

/**
 * Clairvoyant input for the oracle only: the true access count of every page slot in the epoch that is about
 * to run. {@code perSlot} is shared and must not be modified.
 */
public record Lookahead(long epoch, int[] perSlot, long totalAccesses) {
    public int count(int slot) {
        return perSlot[slot];
    }
}
