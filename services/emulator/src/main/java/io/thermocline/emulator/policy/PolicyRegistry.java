package io.thermocline.emulator.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Policy names to fresh instances: the built-in baselines plus every {@link PlacementPolicyProvider} on the
 * class path (e.g. {@code thermocline}). {@code all} = built-ins (except {@code external}, which needs a driver)
 * plus providers that opt in.
 */
public final class PolicyRegistry {
    /** Built-in policies in report order. */
    public static final List<String> BUILT_IN = List.of(FirstTouchPolicy.NAME, Numab2Policy.NAME,
            KmmscandPolicy.NAME, DamonPolicy.NAME, OraclePolicy.NAME);

    private final Map<String, Supplier<PlacementPolicy>> factories = new LinkedHashMap<>();
    private final List<String> all = new ArrayList<>(BUILT_IN);

    public PolicyRegistry() {
        factories.put(FirstTouchPolicy.NAME, FirstTouchPolicy::new);
        factories.put(Numab2Policy.NAME, Numab2Policy::new);
        factories.put(KmmscandPolicy.NAME, KmmscandPolicy::new);
        factories.put(DamonPolicy.NAME, DamonPolicy::new);
        factories.put(DamonPolicy.NAME_MTIER, () -> new DamonPolicy(DamonPolicy.NAME_MTIER, true));
        factories.put(OraclePolicy.NAME, OraclePolicy::new);
        factories.put(ExternalPolicy.NAME, ExternalPolicy::new);
        for (PlacementPolicyProvider p : ServiceLoader.load(PlacementPolicyProvider.class)) {
            factories.put(p.name(), p::create);
            if (p.inAll() && !all.contains(p.name())) all.add(all.size() - 1, p.name()); // oracle stays last
        }
    }

    public List<String> names() {
        return List.copyOf(factories.keySet());
    }

    /** Expands a comma-separated list ({@code all} allowed) into fresh instances; unknown names fail clearly. */
    public List<PlacementPolicy> create(String spec) {
        List<String> names = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String n = raw.trim();
            if (n.isEmpty()) continue;
            if (n.equals("all")) {
                for (String a : all) if (!names.contains(a)) names.add(a);
            } else if (!factories.containsKey(n)) {
                throw new IllegalArgumentException("unknown policy '" + n + "'; known: all, " + String.join(", ", names()));
            } else if (!names.contains(n)) {
                names.add(n);
            }
        }
        if (names.isEmpty()) throw new IllegalArgumentException("no policy given");
        List<PlacementPolicy> out = new ArrayList<>();
        for (String n : names) out.add(factories.get(n).get());
        return out;
    }
}
