package io.thermocline.hotness.state;

/**
 * A host's window ending at {@code endMs} closed (its marker arrived or its event time passed end + grace);
 * the summaries of the blocks it changed were forwarded just before. Stage 2 evaluates the host now.
 */
public record WindowClosed(String host, long endMs) implements Stage2Event {
}
