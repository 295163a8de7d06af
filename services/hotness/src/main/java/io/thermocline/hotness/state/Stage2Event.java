package io.thermocline.hotness.state;

/** Events stage 1 forwards to stage 2 inside one task (never serialized: both stages share the host partition). */
public sealed interface Stage2Event permits BlockSummary, MoveNotice, NodeUpdate, WindowClosed {
}
