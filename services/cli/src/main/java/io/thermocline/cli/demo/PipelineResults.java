package io.thermocline.cli.demo;

import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** What the migrators reported, read back from tc.results (and the DLQ size), for the run's summary. */
public record PipelineResults(long decisions, Map<MigrationStatus, Long> byStatus, double[] sampleToMovedMs,
                              long[] evidenceMs, long deadLetters) {

    public long count(MigrationStatus s) {
        return byStatus.getOrDefault(s, 0L);
    }

    public double percentile(double p) {
        if (sampleToMovedMs.length == 0) {
            return Double.NaN;
        }
        double[] sorted = sampleToMovedMs.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static long countRecords(KafkaConsumer<byte[], byte[]> c, String topic, long deadline) {
        List<TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        long n = 0;
        while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
            n += c.poll(Duration.ofMillis(200)).count();
        }
        return n;
    }

    /** Reads every committed result and counts the dead letters. */
    public static PipelineResults read(String bootstrap, SerdeFactory serdes, Duration timeout) {
        return read(bootstrap, serdes, timeout, Long.MIN_VALUE);
    }

    /** As {@link #read(String, SerdeFactory, Duration)}; latencies only of moves whose evidence is from {@code evidenceFromMs} on. */
    public static PipelineResults read(String bootstrap, SerdeFactory serdes, Duration timeout, long evidenceFromMs) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Deserializer<MigrationResult> de = Topics.RESULTS.valueSerde(serdes).deserializer();
        Map<MigrationStatus, Long> statuses = new EnumMap<>(MigrationStatus.class);
        List<Double> latencies = new ArrayList<>();
        List<Long> evidence = new ArrayList<>();
        long decisions = 0;
        long dlq = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.RESULTS.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    MigrationResult res = de.deserialize(r.topic(), r.value());
                    decisions++;
                    statuses.merge(res.getStatus(), 1L, Long::sum);
                    if (res.getStatus() == MigrationStatus.MOVED && res.getEvidenceMs().toEpochMilli() > 0
                            && res.getEvidenceMs().toEpochMilli() >= evidenceFromMs) {
                        latencies.add((double) (res.getCompletedMs().toEpochMilli() - res.getEvidenceMs().toEpochMilli()));
                        evidence.add(res.getEvidenceMs().toEpochMilli());
                    }
                }
            }
            dlq = countRecords(c, Topics.DLQ.name(), deadline);
        }
        return new PipelineResults(decisions, statuses, latencies.stream().mapToDouble(Double::doubleValue).toArray(),
                evidence.stream().mapToLong(Long::longValue).toArray(), dlq);
    }
}
