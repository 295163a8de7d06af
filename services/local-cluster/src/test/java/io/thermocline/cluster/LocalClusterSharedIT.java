package io.thermocline.cluster;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.thermocline.cluster.junit.LocalClusterExtension;

/** A second IT class gets the same cluster as the first (one per test JVM), also in {@code @BeforeAll}. */
@ExtendWith(LocalClusterExtension.class)
class LocalClusterSharedIT {

    private static LocalCluster fromBeforeAll;

    @BeforeAll
    static void grab(LocalCluster cluster) {
        fromBeforeAll = cluster;
    }

    @Test
    void sameClusterEverywhere(LocalCluster cluster) {
        assertSame(fromBeforeAll, cluster);
        SharedClusterCheck.record(cluster);
    }
}
