package io.thermocline.cli.replay;

import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the retained topics a replay needs with a plain consumer (assigned partitions, no consumer group, nothing
 * committed, read_committed): tc.page-access from the chosen start, and tc.page-owners, tc.node-stats,
 * tc.policy-pins, tc.pfn-moves, tc.results from their beginning (the owner and move history before the start is
 * what maps a sampled PFN to its page). Every topic is read up to the end offsets captured when the read begins.
 */
public final class RetainedReader {

    private static final Logger LOG = LoggerFactory.getLogger(RetainedReader.class);
    static final Duration POLL = Duration.ofMillis(200);
    /** Metadata calls give up sooner than the whole read: an unreachable broker is reported in seconds. */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    /** Where tc.page-access is replayed from. */
    public record Start(Long offset, Instant time) {
        public static final Start BEGINNING = new Start(null, null);

        public static Start offset(long offset) {
            return new Start(offset, null);
        }

        public static Start time(Instant time) {
            return new Start(null, time);
        }
    }

    /**
     * What was read.
     *
     * @param skipped     undecodable records
     * @param otherHosts  records left out: other hosts (with --host), batches sampled before --from-time
     */
    public record Read(ReplayInput input, Map<String, Long> recordsPerTopic, long skipped, long otherHosts) {
        public long records() {
            return recordsPerTopic.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Map<String, Object> clientConfigs;
    private final SerdeFactory serdes;
    private final Duration timeout;

    public RetainedReader(Map<String, Object> clientConfigs, SerdeFactory serdes, Duration timeout) {
        this.clientConfigs = clientConfigs;
        this.serdes = serdes;
        this.timeout = timeout;
    }

    /** Topics read, tc.page-access first. */
    static final List<TopicSpec<?, ?>> TOPICS = List.of(Topics.PAGE_ACCESS, Topics.PAGE_OWNERS, Topics.NODE_STATS,
            Topics.POLICY_PINS, Topics.PFN_MOVES, Topics.RESULTS);

    /**
     * Reads everything up to the end offsets seen now.
     *
     * @param host        only this host's records (null = all hosts); pins are kept whatever their host
     * @param onTotal     told the number of records to read once the end offsets are known
     * @param onProgress  told how many records were consumed since the last call
     */
    public Read read(Start start, String host, LongConsumer onTotal, LongConsumer onProgress) {
        Map<String, Object> c = new HashMap<>(clientConfigs);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration metadataTimeout = timeout.compareTo(METADATA_TIMEOUT) < 0 ? timeout : METADATA_TIMEOUT;
        Map<String, Serde<?>[]> serdeByTopic = new HashMap<>();
        for (TopicSpec<?, ?> t : TOPICS) {
            serdeByTopic.put(t.name(), new Serde<?>[] {t.keySerde(serdes), t.valueSerde(serdes)});
        }
        ReplayInput input = new ReplayInput();
        Map<String, Long> perTopic = new LinkedHashMap<>();
        long skipped = 0;
        long others = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            List<TopicPartition> access = new ArrayList<>();
            for (TopicSpec<?, ?> t : TOPICS) {
                List<PartitionInfo> infos = consumer.partitionsFor(t.name(), metadataTimeout);
                if (infos == null || infos.isEmpty()) {
                    if (t == Topics.PAGE_ACCESS) {
                        throw new IllegalStateException("topic " + t.name() + " does not exist: nothing to replay");
                    }
                    LOG.warn("topic {} does not exist; replaying without it", t.name());
                    continue;
                }
                perTopic.put(t.name(), 0L);
                for (PartitionInfo p : infos) {
                    TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                    all.add(tp);
                    if (t == Topics.PAGE_ACCESS) {
                        access.add(tp);
                    }
                }
            }
            consumer.assign(all);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(all, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(all, timeout);
            Map<TopicPartition, Long> from = new HashMap<>(begin);
            if (start.offset() != null) {
                for (TopicPartition tp : access) {
                    from.put(tp, Math.min(end.get(tp), Math.max(begin.get(tp), start.offset())));
                }
            } else if (start.time() != null) {
                Map<TopicPartition, Long> query = new HashMap<>();
                access.forEach(tp -> query.put(tp, start.time().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
                for (TopicPartition tp : access) {
                    OffsetAndTimestamp o = found.get(tp);
                    from.put(tp, o == null ? end.get(tp) : o.offset());
                }
            }
            long total = 0;
            for (TopicPartition tp : all) {
                consumer.seek(tp, from.get(tp));
                total += Math.max(0, end.get(tp) - from.get(tp));
            }
            onTotal.accept(total);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out after " + timeout + " reading the retained topics");
                }
                long n = 0;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue; // arrived after the replay started
                    }
                    n++;
                    perTopic.merge(r.topic(), 1L, Long::sum);
                    Serde<?>[] sd = serdeByTopic.get(r.topic());
                    Object key;
                    Object value;
                    try {
                        key = r.key() == null ? null : des(sd[0]).deserialize(r.topic(), r.headers(), r.key());
                        value = r.value() == null ? null : des(sd[1]).deserialize(r.topic(), r.headers(), r.value());
                    } catch (RuntimeException e) {
                        skipped++;
                        LOG.debug("skipping undecodable {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                                e.getMessage());
                        continue;
                    }
                    if (start.time() != null && value instanceof PageAccessBatch b
                            && b.getWindowStartMs().isBefore(start.time())) {
                        others++; // produced after the start, sampled before it
                        continue;
                    }
                    if (!add(input, r.topic(), key, value, r.timestamp(), host)) {
                        others++;
                    }
                }
                onProgress.accept(n);
            }
        } finally {
            for (Serde<?>[] sd : serdeByTopic.values()) {
                sd[0].close();
                sd[1].close();
            }
        }
        if (skipped > 0) {
            LOG.warn("skipped {} undecodable records", skipped);
        }
        return new Read(input, perTopic, skipped, others);
    }

    @SuppressWarnings("unchecked")
    private static Deserializer<Object> des(Serde<?> s) {
        return (Deserializer<Object>) s.deserializer();
    }

    /** Adds a decoded record; false when it belongs to another host (or is an unusable tombstone). */
    static boolean add(ReplayInput in, String topic, Object key, Object value, long timestamp, String host) {
        if (topic.equals(Topics.PAGE_ACCESS.name())) {
            if (value instanceof PageAccessBatch b && (host == null || host.equals(b.getHost()))) {
                if (!b.getEntries().isEmpty() || !b.getWindowComplete()) {
                    in.batch(b); // an end-of-window marker carries no samples: the replay places its own
                }
                return true;
            }
        } else if (topic.equals(Topics.PAGE_OWNERS.name())) {
            if (key instanceof PfnKey k && (host == null || host.equals(k.getHost()))) {
                in.owner(k, (PageOwner) value, timestamp);
                return true;
            }
        } else if (topic.equals(Topics.NODE_STATS.name())) {
            if (value instanceof NodeStats s && (host == null || host.equals(s.getHost()))) {
                in.nodeStats(s);
                return true;
            }
            return key instanceof NodeKey && value == null;
        } else if (topic.equals(Topics.POLICY_PINS.name())) {
            if (key instanceof PinKey k) {
                in.pin(k, (PolicyPin) value);
                return true;
            }
        } else if (topic.equals(Topics.PFN_MOVES.name())) {
            if (value instanceof PfnMove m && (host == null || host.equals(m.getHost()))) {
                in.move(m);
                return true;
            }
        } else if (topic.equals(Topics.RESULTS.name())) {
            if (value instanceof MigrationResult r && (host == null || host.equals(r.getHost()))) {
                in.result(r);
                return true;
            }
        }
        return false;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
