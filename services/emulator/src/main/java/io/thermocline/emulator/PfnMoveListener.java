package io.thermocline.emulator;

/** Receives every PFN change of a {@link Machine}, synchronously, in move order. */
@FunctionalInterface
public interface PfnMoveListener {
    void onMove(PfnMove move);
}
