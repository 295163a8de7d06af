package io.thermocline.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void eachTopicOnceWithDistinctNames() {
        Set<String> names = new HashSet<>();
        Topics.ALL.forEach(t -> assertTrue(names.add(t.name()), "duplicate " + t.name()));
        assertEquals(8, names.size());
        assertTrue(names.stream().allMatch(n -> n.startsWith("tc.")));
    }

    @Test
    void pinsOwnersAndNodeStatsAreCompactedTheRestRetained() {
        for (TopicSpec<?, ?> t : Topics.ALL) {
            boolean shouldCompact = t == Topics.POLICY_PINS || t == Topics.PAGE_OWNERS || t == Topics.NODE_STATS;
            String policy = t.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            assertEquals(shouldCompact ? "compact" : "delete", policy, t.name());
            if (!shouldCompact) {
                assertTrue(t.configs().containsKey(TopicConfig.RETENTION_MS_CONFIG), t.name());
            }
        }
    }

    @Test
    void newTopicHonoursPartitionOverride() {
        assertEquals(2, Topics.PAGE_ACCESS.newTopic(2, (short) 1).numPartitions());
        assertEquals(6, Topics.PAGE_ACCESS.newTopic(0, (short) 1).numPartitions());
        assertEquals("tc.decisions-value", Topics.DECISIONS.valueSubject());
        assertEquals(Topics.DLQ, Topics.byName("tc.dlq").orElseThrow());
    }
}
