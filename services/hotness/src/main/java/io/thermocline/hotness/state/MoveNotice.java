package io.thermocline.hotness.state;

/** Stage 1 processed a PFN move: (oldPfn, oldGeneration) is stale from now on. */
public record MoveNotice(String host, long oldPfn, int oldGeneration, long newPfn, int newGeneration, long timeMs)
        implements Stage2Event {
}
