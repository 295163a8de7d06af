package io.thermocline.emulator.policy;

import io.thermocline.emulator.TierKind;
import java.util.List;

/** Immutable set of pins; a page is allowed on a node only if every pin that covers it allows that node. */
public record PinSet(List<Pin> pins) {
    public static final PinSet NONE = new PinSet(List.of());

    public PinSet {
        pins = List.copyOf(pins);
    }

    public boolean isEmpty() {
        return pins.isEmpty();
    }

    public boolean allows(int pid, long va, int node, TierKind kind) {
        for (Pin p : pins) if (p.covers(pid, va) && !p.allows(node, kind)) return false;
        return true;
    }

    /** First pin covering the page, or null. */
    public Pin covering(int pid, long va) {
        for (Pin p : pins) if (p.covers(pid, va)) return p;
        return null;
    }
}
