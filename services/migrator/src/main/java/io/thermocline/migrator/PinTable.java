package io.thermocline.migrator;

import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.TierKind;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The migrator's own copy of the policy pins (tc.policy-pins, compacted; a tombstone removes a pin), checked again
 * before every move: no decision moves a page against a pin, whatever the hotness app decided.
 */
public final class PinTable {

    /** Host value of a pin that applies to every host. */
    public static final String ANY_HOST = "*";

    private final String host;
    private final Map<String, PolicyPin> pins = new ConcurrentHashMap<>();

    public PinTable(String host) {
        this.host = host;
    }

    /** Applies one record of the pins topic: a null value (tombstone) removes the pin. */
    public void apply(String pinId, PolicyPin pin) {
        if (pin == null) {
            pins.remove(pinId);
        } else {
            pins.put(pinId, pin);
        }
    }

    public int size() {
        return pins.size();
    }

    /**
     * The pin that forbids moving (pid, va) to {@code toNode} at {@code nowMs}, if any. A pin forbids every target
     * that is not its wanted node (or a node of its wanted tier); a move towards the wanted place is allowed.
     */
    public Optional<PolicyPin> forbidding(MigrationTarget.ProcessInfo proc, int pid, long vaddr, int toNode,
                                          MigrationTarget target, long nowMs) {
        for (PolicyPin pin : pins.values()) {
            if (!(ANY_HOST.equals(pin.getHost()) || host.equals(pin.getHost()))) {
                continue;
            }
            if (pin.getExpiresMs() != null && pin.getExpiresMs().toEpochMilli() <= nowMs) {
                continue;
            }
            if (!matches(pin.getSelector(), proc, pid, vaddr)) {
                continue;
            }
            if (!satisfies(pin, toNode, target)) {
                return Optional.of(pin);
            }
        }
        return Optional.empty();
    }

    static boolean satisfies(PolicyPin pin, int toNode, MigrationTarget target) {
        if (pin.getWantedNode() != null) {
            return pin.getWantedNode() == toNode;
        }
        TierKind tier = pin.getWantedTier();
        return tier != null && tier == target.tierOf(toNode);
    }

    static boolean matches(PinSelector s, MigrationTarget.ProcessInfo proc, int pid, long vaddr) {
        if (s.getPid() != null && s.getPid() != pid) {
            return false;
        }
        if (s.getVaStart() != null && Long.compareUnsigned(vaddr, s.getVaStart()) < 0) {
            return false;
        }
        if (s.getVaEnd() != null && Long.compareUnsigned(vaddr, s.getVaEnd()) >= 0) {
            return false;
        }
        if (s.getComm() != null && (proc == null || !s.getComm().equals(proc.comm()))) {
            return false;
        }
        if (s.getCgroup() != null && (proc == null || proc.cgroup() == null
                || !cgroupUnder(proc.cgroup(), s.getCgroup()))) {
            return false;
        }
        return true;
    }

    /** cgroup path prefix on path-component boundaries: {@code /a/b} covers {@code /a/b} and {@code /a/b/c}. */
    static boolean cgroupUnder(String cgroup, String prefix) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return p.isEmpty() || cgroup.equals(p) || cgroup.startsWith(p + "/");
    }
}
