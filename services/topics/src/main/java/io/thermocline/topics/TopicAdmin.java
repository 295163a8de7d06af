package io.thermocline.topics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the catalogue's topics explicitly; existing topics are left as they are. */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /**
     * Creates the given topics if missing.
     *
     * @param partitionsOverride 0 to use each topic's catalogue partitions, else this count for all
     * @return the names of the topics created by this call
     */
    public static Set<String> ensureTopics(Admin admin, Collection<TopicSpec<?, ?>> specs,
                                           int partitionsOverride, short replicationFactor) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted listing topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        }
        List<NewTopic> missing = specs.stream().filter(s -> !existing.contains(s.name()))
                .map(s -> s.newTopic(partitionsOverride, replicationFactor)).toList();
        if (missing.isEmpty()) {
            return Set.of();
        }
        var result = admin.createTopics(missing);
        java.util.Set<String> created = new java.util.TreeSet<>();
        for (var e : result.values().entrySet()) {
            try {
                e.getValue().get();
                created.add(e.getKey());
                LOG.info("created topic {}", e.getKey());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating " + e.getKey(), ie);
            } catch (ExecutionException ee) {
                if (!(ee.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + e.getKey() + ": "
                            + ee.getCause().getMessage(), ee.getCause());
                }
            }
        }
        return created;
    }

    public static Set<String> ensureAll(String bootstrapServers, int partitionsOverride) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return ensureTopics(admin, Topics.ALL, partitionsOverride, (short) 1);
        }
    }
}
