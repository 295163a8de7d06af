package io.thermocline.hotness.state;

/** A host's node view changed (stage 2 re-evaluates it at the next window). */
public record NodeUpdate(String host) implements Stage2Event {
}
