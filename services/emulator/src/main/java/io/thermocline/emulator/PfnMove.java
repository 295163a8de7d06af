package io.thermocline.emulator;

/**
 * A page changed physical frame. Emitted for every successful move; the old frame is free afterwards.
 *
 * @param host   host id
 * @param oldPfn frame before the move
 * @param newPfn frame after the move (always different from {@code oldPfn})
 * @param pid    owning process
 * @param vaddr  virtual address of the page (page aligned)
 * @param cause  who moved it
 * @param timeNs emulated policy-clock time of the move, nanoseconds since the start of the run
 */
public record PfnMove(String host, long oldPfn, long newPfn, int pid, long vaddr, MoveCause cause, long timeNs) {
}
