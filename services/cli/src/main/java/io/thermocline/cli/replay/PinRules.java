package io.thermocline.cli.replay;

import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.TierKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pins of tc.policy-pins that apply to one host (latest value per pin id, tombstones removed), checked before
 * a what-if decision is applied, as the migrator does (defence in depth): a page may only move to a node every
 * covering, unexpired pin allows.
 */
final class PinRules {

    private final List<PolicyPin> pins;

    private PinRules(List<PolicyPin> pins) {
        this.pins = pins;
    }

    static PinRules of(String host, List<ReplayInput.PinRecord> records) {
        Map<String, PolicyPin> latest = new LinkedHashMap<>();
        for (ReplayInput.PinRecord r : records) {
            String id = r.key().getPinId();
            if (r.value() == null) {
                latest.remove(id);
            } else {
                latest.put(id, r.value());
            }
        }
        List<PolicyPin> mine = new ArrayList<>();
        for (PolicyPin p : latest.values()) {
            if ("*".equals(p.getHost()) || host.equals(p.getHost())) {
                mine.add(p);
            }
        }
        return new PinRules(mine);
    }

    int size() {
        return pins.size();
    }

    boolean allows(PageHistory.PageId id, PageHistory.Attrs attrs, int node, TierKind tier, long nowMs) {
        for (PolicyPin p : pins) {
            if (p.getExpiresMs() != null && p.getExpiresMs().toEpochMilli() <= nowMs) {
                continue;
            }
            if (!covers(p.getSelector(), id, attrs)) {
                continue;
            }
            if (p.getWantedNode() != null && p.getWantedNode() != node) {
                return false;
            }
            if (p.getWantedTier() != null && p.getWantedTier() != tier) {
                return false;
            }
        }
        return true;
    }

    private static boolean covers(PinSelector s, PageHistory.PageId id, PageHistory.Attrs a) {
        if (s.getPid() != null && s.getPid() != id.pid()) {
            return false;
        }
        if (s.getComm() != null && !s.getComm().equals(a.comm())) {
            return false;
        }
        if (s.getCgroup() != null && (a.cgroup() == null || !a.cgroup().startsWith(s.getCgroup()))) {
            return false;
        }
        if (s.getVaStart() != null && Long.compareUnsigned(id.vaddr(), s.getVaStart()) < 0) {
            return false;
        }
        return s.getVaEnd() == null || Long.compareUnsigned(id.vaddr(), s.getVaEnd()) < 0;
    }
}
