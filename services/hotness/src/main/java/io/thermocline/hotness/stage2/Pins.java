package io.thermocline.hotness.stage2;

import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.hotness.state.HostView;
import io.thermocline.hotness.state.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/** Policy pins: loading the active ones of a host and judging one page against them. */
public final class Pins {

    public static final String ALL_HOSTS = "*";

    /** Outcome of matching one page against the active pins. */
    public enum Verdict { UNPINNED, SATISFIED, VIOLATED, CONFLICT }

    /** Verdict plus, when VIOLATED, the pin to enforce. */
    public record Judgement(Verdict verdict, PolicyPin pin) {
        static final Judgement UNPINNED = new Judgement(Verdict.UNPINNED, null);
        static final Judgement SATISFIED = new Judgement(Verdict.SATISFIED, null);
        static final Judgement CONFLICT = new Judgement(Verdict.CONFLICT, null);
    }

    private Pins() {
    }

    /** Active pins of a host (its own and the '*' ones) from the global pins store. */
    @SuppressWarnings("unchecked")
    public static List<PolicyPin> active(ProcessingContext context, String storeName, String host, long nowMs) {
        ReadOnlyKeyValueStore<PinKey, Object> store = context.getStateStore(storeName);
        List<PolicyPin> out = new ArrayList<>();
        try (KeyValueIterator<PinKey, Object> it = store.all()) {
            while (it.hasNext()) {
                Object v = it.next().value;
                if (v instanceof ValueAndTimestamp<?> vat) {
                    v = vat.value();
                }
                if (v instanceof PolicyPin pin && appliesTo(pin, host, nowMs)) {
                    out.add(pin);
                }
            }
        }
        return out;
    }

    static boolean appliesTo(PolicyPin pin, String host, long nowMs) {
        String h = pin.getHost().toString();
        boolean hostOk = ALL_HOSTS.equals(h) || h.equals(host);
        return hostOk && (pin.getExpiresMs() == null || pin.getExpiresMs().toEpochMilli() > nowMs);
    }

    public static boolean matches(PolicyPin pin, int pid, long vaddr, String cgroup, String comm) {
        PinSelector s = pin.getSelector();
        if (s.getPid() != null && s.getPid() != pid) {
            return false;
        }
        if (s.getComm() != null && (comm == null || !s.getComm().toString().equals(comm))) {
            return false;
        }
        if (s.getCgroup() != null && (cgroup == null || !cgroup.startsWith(s.getCgroup().toString()))) {
            return false;
        }
        if (s.getVaStart() != null && vaddr < s.getVaStart()) {
            return false;
        }
        return s.getVaEnd() == null || vaddr < s.getVaEnd();
    }

    /** True when a page on this node satisfies the pin. */
    public static boolean satisfiedBy(PolicyPin pin, int node, HostView view) {
        if (pin.getWantedNode() != null) {
            return pin.getWantedNode() == node;
        }
        if (pin.getWantedTier() != null) {
            NodeInfo n = view.node(node);
            return n != null && n.tier() == pin.getWantedTier();
        }
        return true; // a pin that wants nothing is a "do not move" pin
    }

    private static String wantKey(PolicyPin pin) {
        if (pin.getWantedNode() != null) {
            return "node:" + pin.getWantedNode();
        }
        return pin.getWantedTier() == null ? "stay" : "tier:" + pin.getWantedTier();
    }

    public static Judgement judge(List<PolicyPin> active, int pid, long vaddr, String cgroup, String comm, int node,
                                  HostView view) {
        if (active.isEmpty()) {
            return Judgement.UNPINNED;
        }
        PolicyPin first = null;
        for (PolicyPin p : active) {
            if (!matches(p, pid, vaddr, cgroup, comm)) {
                continue;
            }
            if (first == null) {
                first = p;
            } else if (!Objects.equals(wantKey(first), wantKey(p))) {
                return Judgement.CONFLICT;
            }
        }
        if (first == null) {
            return Judgement.UNPINNED;
        }
        return satisfiedBy(first, node, view) || (first.getWantedNode() == null && first.getWantedTier() == null)
                ? Judgement.SATISFIED : new Judgement(Verdict.VIOLATED, first);
    }
}
