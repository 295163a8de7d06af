package io.thermocline.cli.demo;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a Kafka Streams application has consumed and committed everything in its input and
 * repartition topics (the lockstep barrier of the local run). With exactly-once processing a committed
 * offset means the outputs of those records are committed too.
 *
 * <p>A partition written by a transactional producer ends with a commit marker that the application's
 * consumer skips without necessarily committing past it, so for those topics one offset of slack is
 * allowed; everything else must be committed to its end. A check passes only when two successive reads
 * of the committed offsets agree.
 */
public final class StreamsQuiescence {

    private final Admin admin;
    private final String applicationId;
    private final Set<String> transactionalTopics;

    /**
     * @param transactionalTopics external input topics written with transactions (e.g. {@code tc.pfn-moves});
     *                            the application's own internal topics are recognised by their prefix
     */
    public StreamsQuiescence(Admin admin, String applicationId, Set<String> transactionalTopics) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.transactionalTopics = Set.copyOf(transactionalTopics);
    }

    /** Blocks until caught up; returns how long it took. */
    public Duration await(Set<String> inputTopics, Duration timeout) throws InterruptedException, TimeoutException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        Map<TopicPartition, Long> previous = null;
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, Long> committed = committed();
            if (caughtUp(committed, inputTopics)) {
                if (committed.equals(previous)) {
                    return Duration.ofNanos(System.nanoTime() - t0);
                }
                previous = committed;
            } else {
                previous = null;
            }
            Thread.sleep(60);
        }
        throw new TimeoutException(applicationId + " did not catch up with " + inputTopics + " within " + timeout);
    }

    private Map<TopicPartition, Long> committed() throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            m.forEach((tp, om) -> out.put(tp, om == null ? 0L : om.offset()));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read committed offsets of " + applicationId + ": " + e, e);
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> committed, Set<String> inputTopics) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        try {
            for (String t : inputTopics) {
                admin.describeTopics(Set.of(t)).allTopicNames().get(30, TimeUnit.SECONDS).get(t).partitions()
                        .forEach(p -> ask.put(new TopicPartition(t, p.partition()), OffsetSpec.latest()));
            }
            committed.keySet().forEach(tp -> ask.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            for (var e : ends.entrySet()) {
                TopicPartition tp = e.getKey();
                long end = e.getValue().offset();
                long done = committed.getOrDefault(tp, 0L);
                long slack = tp.topic().startsWith(applicationId + "-") || transactionalTopics.contains(tp.topic())
                        ? 1 : 0;
                if (done < end - slack) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read end offsets for " + applicationId + ": " + e, e);
        }
    }
}
