package io.thermocline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers the broker pid every IT class saw: there must be exactly one per test JVM. */
final class SharedClusterCheck {

    private static final Set<Long> BROKER_PIDS = ConcurrentHashMap.newKeySet();

    private SharedClusterCheck() {
    }

    static void record(LocalCluster cluster) {
        BROKER_PIDS.add(cluster.broker().pid());
        assertEquals(1, BROKER_PIDS.size(), "more than one shared cluster in this JVM: " + BROKER_PIDS);
    }
}
