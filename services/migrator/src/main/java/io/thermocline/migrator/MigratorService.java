package io.thermocline.migrator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.dlq.DeadLetter;
import io.thermocline.avro.keys.DeadLetterKey;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.metrics.ThermoclineMetrics;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migrator of one host. Reads only its host's partition of tc.decisions (decisions are keyed by
 * {@link HostKey}), executes them through a {@link DecisionExecutor}, and publishes each batch's results (tc.results),
 * PFN moves (tc.pfn-moves), dead letters (tc.dlq) and the consumed offsets in ONE Kafka transaction
 * ({@code sendOffsetsToTransaction}). A batch's outcomes are computed once: a failed transaction is retried with the
 * same records, never by executing again. At start the handled decision ids are rebuilt from the host's committed
 * results, and the pins from tc.policy-pins; pins are refreshed before every batch.
 */
public final class MigratorService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MigratorService.class);
    public static final String APPLICATION = "tc-migrator";
    static final Duration CATCH_UP_POLL = Duration.ofMillis(200);
    static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(2);

    private final MigratorConfig config;
    private final String host;
    private final MigrationTarget target;
    private final Clock clock;
    private final PinTable pins;
    private final AppliedDecisions applied;
    private final DecisionExecutor executor;
    private final InflightJournal journal;
    private final Serializer<HostKey> hostKeySer;
    private final Deserializer<MigrationDecision> decisionDe;
    private final Serializer<MigrationResult> resultSer;
    private final Deserializer<MigrationResult> resultDe;
    private final Serializer<PfnMove> moveSer;
    private final Deserializer<PinKey> pinKeyDe;
    private final Deserializer<PolicyPin> pinDe;
    private final Serializer<DeadLetterKey> dlqKeySer;
    private final Serializer<DeadLetter> dlqSer;
    private final Counter dlqCounter;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private KafkaConsumer<byte[], byte[]> decisions;
    private KafkaConsumer<byte[], byte[]> pinConsumer;
    private KafkaProducer<byte[], byte[]> producer;
    private TopicPartition decisionPartition;
    private volatile boolean ready;
    /** Test seam: runs after a batch was executed and before its transaction; a throw here is a crash. */
    volatile Runnable afterExecute = () -> { };
    private volatile long batches;

    public MigratorService(MigratorConfig config, MigrationTarget target, SerdeFactory serdes, MeterRegistry meters,
                           Clock clock) {
        this.config = config;
        this.host = config.host();
        this.target = target;
        this.clock = clock;
        this.pins = new PinTable(host);
        this.applied = new AppliedDecisions(config.getInt(MigratorConfig.APPLIED_IDS_CAPACITY));
        String stateDir = config.getString(MigratorConfig.STATE_DIR);
        this.journal = stateDir.isBlank() ? null : new InflightJournal(java.nio.file.Path.of(stateDir), host);
        this.executor = new DecisionExecutor(host, target, pins,
                new RateLimiter(config.rateBytesPerSecond(), config.burstBytes(), System.nanoTime()), applied, clock,
                System::nanoTime, meters);
        this.hostKeySer = Topics.DECISIONS.keySerde(serdes).serializer();
        this.decisionDe = Topics.DECISIONS.valueSerde(serdes).deserializer();
        this.resultSer = Topics.RESULTS.valueSerde(serdes).serializer();
        this.resultDe = Topics.RESULTS.valueSerde(serdes).deserializer();
        this.moveSer = Topics.PFN_MOVES.valueSerde(serdes).serializer();
        this.pinKeyDe = Topics.POLICY_PINS.keySerde(serdes).deserializer();
        this.pinDe = Topics.POLICY_PINS.valueSerde(serdes).deserializer();
        this.dlqKeySer = Topics.DLQ.keySerde(serdes).serializer();
        this.dlqSer = Topics.DLQ.valueSerde(serdes).serializer();
        this.dlqCounter = ThermoclineMetrics.DLQ_RECORDS_METER.counter(meters, ThermoclineMetrics.TAG_DLQ_REASON,
                "undecodable_decision");
    }

    public DecisionExecutor executor() {
        return executor;
    }

    public PinTable pins() {
        return pins;
    }

    private int lastPollRecords;

    /** True once started: ids rebuilt, pins loaded, partition assigned. */
    public boolean ready() {
        return ready;
    }

    public long batches() {
        return batches;
    }

    /** Partition of tc.decisions (or any HostKey-keyed topic with {@code partitions}) holding this host's records. */
    public int hostPartition(String topic, int partitions) {
        byte[] key = hostKeySer.serialize(topic, new HostKey(host));
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Rebuilds the handled ids and pins, assigns this host's partition and fences older instances. */
    public void start() {
        Map<String, Object> client = config.clientProps();
        String clientId = MigratorConfig.CLIENT_ID_PREFIX + host;
        Map<String, Object> pp = new HashMap<>(client);
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, clientId);
        pp.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();     // fences a previous instance of this host's migrator, aborts its open txn

        rebuildAppliedIds(client);
        if (journal != null) {
            journal.recover(executor);
        }

        Map<String, Object> pc = consumerProps(client, clientId + "-pins", null);
        pinConsumer = new KafkaConsumer<>(pc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> pinParts = partitions(pinConsumer, Topics.POLICY_PINS.name());
        pinConsumer.assign(pinParts);
        pinConsumer.seekToBeginning(pinParts);
        catchUp(pinConsumer, pinParts, this::applyPin);
        LOG.info("migrator {}: {} pins loaded", host, pins.size());

        Map<String, Object> dc = consumerProps(client, clientId + "-decisions", clientId);
        dc.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getInt(MigratorConfig.MAX_DECISIONS_PER_TRANSACTION));
        decisions = new KafkaConsumer<>(dc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> dParts = partitions(decisions, Topics.DECISIONS.name());
        decisionPartition = new TopicPartition(Topics.DECISIONS.name(),
                hostPartition(Topics.DECISIONS.name(), dParts.size()));
        decisions.assign(List.of(decisionPartition));
        OffsetAndMetadata committed = decisions.committed(Set.of(decisionPartition)).get(decisionPartition);
        if (committed != null) {
            decisions.seek(decisionPartition, committed.offset());
        } else {
            decisions.seekToBeginning(List.of(decisionPartition));
        }
        ready = true;
        LOG.info("migrator {} ready: {} from offset {}, {} handled ids remembered", host, decisionPartition,
                committed == null ? "beginning" : committed.offset(), applied.size());
    }

    /** Loops until {@link #stop()}. */
    public void run() {
        while (running.get()) {
            pollOnce(Duration.ofMillis(config.getLong(MigratorConfig.POLL_TIMEOUT_MS)));
        }
    }

    public void stop() {
        running.set(false);
        if (decisions != null) {
            decisions.wakeup();
        }
    }

    /**
     * Polls until this host's decision partition is consumed up to its end as of the call (other hosts'
     * decisions hashed to the same partition are skipped on the way), or until two polls return nothing, or
     * {@code max} passes. Returns the decisions of this host executed. The lockstep runs call it at each
     * epoch boundary.
     */
    public int drain(Duration pollTimeout, Duration max) {
        long end = decisions.endOffsets(List.of(decisionPartition)).get(decisionPartition); // read_committed: LSO
        long deadline = System.nanoTime() + max.toNanos();
        int executed = 0;
        int idle = 0;
        while (idle < 2 && decisions.position(decisionPartition) < end && System.nanoTime() < deadline) {
            executed += pollOnce(pollTimeout);
            idle = lastPollRecords == 0 ? idle + 1 : 0;
        }
        return executed;
    }

    /** One poll: refresh pins, execute the decisions received, publish them in one transaction. */
    public int pollOnce(Duration timeout) {
        ConsumerRecords<byte[], byte[]> pinRecords = pinConsumer.poll(Duration.ZERO);
        pinRecords.forEach(this::applyPin);
        ConsumerRecords<byte[], byte[]> recs;
        try {
            recs = decisions.poll(timeout);
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            return 0;
        }
        lastPollRecords = recs.count();
        if (recs.isEmpty()) {
            return 0;
        }
        List<MigrationDecision> batch = new ArrayList<>(recs.count());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        long lastOffset = -1;
        for (ConsumerRecord<byte[], byte[]> r : recs.records(decisionPartition)) {
            lastOffset = r.offset();
            MigrationDecision d;
            try {
                d = r.value() == null ? null : decisionDe.deserialize(r.topic(), r.value());
            } catch (RuntimeException e) {
                out.add(deadLetter(r, "undecodable decision: " + e.getMessage(), e));
                continue;
            }
            if (d == null) {
                out.add(deadLetter(r, "null decision", null));
                continue;
            }
            if (!host.equals(d.getHost())) {
                continue;      // another host hashed to this partition: not ours
            }
            batch.add(d);
        }
        if (journal != null) {
            journal.begin(batch);
        }
        List<DecisionExecutor.Outcome> outcomes = executor.execute(batch);
        byte[] key = hostKeySer.serialize(Topics.RESULTS.name(), new HostKey(host));
        for (DecisionExecutor.Outcome o : outcomes) {
            out.add(new ProducerRecord<>(Topics.RESULTS.name(), key,
                    resultSer.serialize(Topics.RESULTS.name(), o.result())));
            if (o.move() != null) {
                out.add(new ProducerRecord<>(Topics.PFN_MOVES.name(), key,
                        moveSer.serialize(Topics.PFN_MOVES.name(), o.move())));
            }
        }
        if (journal != null) {
            journal.executed(outcomes);
        }
        afterExecute.run();
        publish(out, Map.of(decisionPartition, new OffsetAndMetadata(lastOffset + 1)));
        if (journal != null) {
            journal.committed();
        }
        batches++;
        return batch.size();
    }

    /** Commits records + offsets atomically; retries the SAME records on transient failures. */
    private void publish(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets) {
        int attempts = config.getInt(MigratorConfig.TRANSACTION_RETRIES) + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                producer.beginTransaction();
                for (ProducerRecord<byte[], byte[]> r : records) {
                    producer.send(r);
                }
                producer.sendOffsetsToTransaction(offsets, decisions.groupMetadata());
                producer.commitTransaction();
                return;
            } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                     | AuthorizationException e) {
                // another instance of this host's migrator took over: this one must stop, not retry
                running.set(false);
                throw new IllegalStateException("migrator " + host + " fenced or unauthorised: " + e, e);
            } catch (KafkaException e) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException abortFailure) {
                    running.set(false);
                    throw new IllegalStateException("cannot abort transaction: " + abortFailure, abortFailure);
                }
                if (attempt >= attempts) {
                    running.set(false);
                    throw new IllegalStateException("publishing results failed " + attempt + " times: " + e, e);
                }
                LOG.warn("transaction attempt {} failed, retrying with the same records: {}", attempt, e.toString());
            }
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, Exception e) {
        dlqCounter.increment();
        LOG.warn("decision at {}-{}@{} to tc.dlq: {}", r.topic(), r.partition(), r.offset(), reason);
        DeadLetter dl = new DeadLetter(r.topic(), r.partition(), r.offset(), r.timestamp(),
                r.key() == null ? null : java.nio.ByteBuffer.wrap(r.key()),
                r.value() == null ? null : java.nio.ByteBuffer.wrap(r.value()), reason,
                e == null ? null : e.getClass().getName(), APPLICATION, Instant.ofEpochMilli(clock.millis()));
        DeadLetterKey k = new DeadLetterKey(r.topic(), r.partition(), r.offset());
        return new ProducerRecord<>(Topics.DLQ.name(), dlqKeySer.serialize(Topics.DLQ.name(), k),
                dlqSer.serialize(Topics.DLQ.name(), dl));
    }

    private void applyPin(ConsumerRecord<byte[], byte[]> r) {
        try {
            PinKey k = pinKeyDe.deserialize(r.topic(), r.key());
            PolicyPin p = r.value() == null ? null : pinDe.deserialize(r.topic(), r.value());
            pins.apply(k.getPinId(), p);
        } catch (RuntimeException e) {
            LOG.warn("ignoring undecodable pin at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    /** Reads this host's committed results from {@code now - lookback} to the end: their ids are handled. */
    private void rebuildAppliedIds(Map<String, Object> client) {
        Map<String, Object> rc = consumerProps(client, MigratorConfig.CLIENT_ID_PREFIX + host + "-rebuild", null);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(rc, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            int parts = partitions(c, Topics.RESULTS.name()).size();
            TopicPartition tp = new TopicPartition(Topics.RESULTS.name(), hostPartition(Topics.RESULTS.name(), parts));
            c.assign(List.of(tp));
            long from = clock.millis() - config.getLong(MigratorConfig.RESULTS_LOOKBACK_MS);
            OffsetAndTimestamp start = c.offsetsForTimes(Map.of(tp, from)).get(tp);
            if (start == null) {
                c.seekToEnd(List.of(tp));
            } else {
                c.seek(tp, start.offset());
            }
            int[] n = {0};
            catchUp(c, List.of(tp), r -> {
                MigrationResult res = resultDe.deserialize(r.topic(), r.value());
                if (res != null && host.equals(res.getHost())) {
                    applied.add(res.getDecisionId());
                    n[0]++;
                }
            });
            LOG.info("migrator {}: {} handled decision ids rebuilt from {}", host, n[0], tp);
        }
    }

    private static void catchUp(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts,
                                java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + parts + " to its end within " + CATCH_UP_TIMEOUT);
            }
            c.poll(CATCH_UP_POLL).forEach(sink);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (create the catalogue first)");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    private static Map<String, Object> consumerProps(Map<String, Object> client, String clientId, String groupId) {
        Map<String, Object> p = new HashMap<>(client);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    @Override
    public void close() {
        running.set(false);
        ready = false;
        if (decisions != null) {
            decisions.close();
        }
        if (pinConsumer != null) {
            pinConsumer.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
