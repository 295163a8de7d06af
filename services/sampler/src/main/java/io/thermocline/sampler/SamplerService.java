package io.thermocline.sampler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.metrics.ThermoclineMetrics;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.HostPartitioning;
import io.thermocline.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampler of one host. Each interval: one budgeted ownership scan step (PageOwner on change, tombstones for
 * frames freed at the end of a pass, PfnMove KERNEL for frames that changed without the migrator), the access
 * windows of the backend batched per 2 MiB PFN block (PageAccessBatch), and NodeStats every
 * {@code node.stats.interval.ms}. The period adapts to activity (kmmscand). The host's MIGRATOR moves are read back
 * from tc.pfn-moves so they are not reported again as KERNEL moves.
 */
public final class SamplerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SamplerService.class);

    static final Duration MOVES_CATCH_UP = Duration.ofSeconds(2);
    static final Duration MOVES_POLL = Duration.ofMillis(20);

    private final SamplerConfig config;
    private final String host;
    private final SamplerBackend backend;
    private final SerdeFactory serdes;
    private final Clock clock;
    private final OwnerTracker tracker;
    private final AdaptiveScan adaptive;
    private final MeterRegistry meters;
    private final Counter ownersPublished;
    private final Counter nodeStatsPublished;
    private final Map<String, Counter> publishErrors = new ConcurrentHashMap<>();
    /** Key and value serializer per topic, created once (each serde holds a registry client and caches). */
    private final Map<String, Serializer<?>[]> serializers = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Deserializer<PfnMove> moveDe;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> moves;
    private long lastNodeStatsMs = Long.MIN_VALUE;
    private int accessPartition = -1;
    private volatile long intervals;

    /** What one interval published. */
    public record Interval(long scannedPages, int owners, int freed, int kernelMoves, int samples, int batches,
                           int nodeStats, long nextPeriodMs) {
    }

    public SamplerService(SamplerConfig config, SamplerBackend backend, SerdeFactory serdes, MeterRegistry meters,
                          Clock clock) {
        this.config = config;
        this.host = config.host();
        this.backend = backend;
        this.serdes = serdes;
        this.clock = clock;
        this.meters = meters;
        this.tracker = new OwnerTracker(host, config.getLong(SamplerConfig.KERNEL_MOVE_GRACE_MS));
        this.adaptive = new AdaptiveScan(config.getLong(SamplerConfig.SCAN_PERIOD_MIN_MS),
                config.getLong(SamplerConfig.SCAN_PERIOD_MAX_MS), config.getLong(SamplerConfig.SCAN_PERIOD_INITIAL_MS));
        this.ownersPublished = ThermoclineMetrics.OWNERS_PUBLISHED_METER.counter(meters);
        this.nodeStatsPublished = ThermoclineMetrics.NODE_STATS_PUBLISHED_METER.counter(meters);
        this.moveDe = Topics.PFN_MOVES.valueSerde(serdes).deserializer();
    }

    public OwnerTracker tracker() {
        return tracker;
    }

    public long intervals() {
        return intervals;
    }

    public void start() {
        Map<String, Object> client = config.clientProps();
        Map<String, Object> pp = new HashMap<>(client);
        pp.put(ProducerConfig.CLIENT_ID_CONFIG, "tc-sampler-" + host);
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> cp = new HashMap<>(client);
        cp.put(ConsumerConfig.CLIENT_ID_CONFIG, "tc-sampler-" + host + "-moves");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        moves = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var parts = moves.partitionsFor(Topics.PFN_MOVES.name(), Duration.ofSeconds(30));
        if (parts == null || parts.isEmpty()) {
            throw new IllegalStateException("topic " + Topics.PFN_MOVES.name() + " does not exist");
        }
        byte[] key = Topics.PFN_MOVES.keySerde(serdes).serializer().serialize(Topics.PFN_MOVES.name(),
                new HostKey(host));
        TopicPartition tp = new TopicPartition(Topics.PFN_MOVES.name(),
                Utils.toPositive(Utils.murmur2(key)) % parts.size());
        moves.assign(List.of(tp));
        moves.seekToEnd(List.of(tp));
        moves.position(tp);     // resolve "end" now: moves made from here on are the ones to expect
        LOG.info("sampler {} started, MIGRATOR moves from {}", host, tp);
    }

    /** Loops until {@link #stop()}, sleeping the adaptive period between intervals. */
    public void run() throws InterruptedException {
        while (running.get()) {
            long t0 = clock.millis();
            Interval iv;
            try {
                iv = runOnce();
            } catch (Exception e) {
                LOG.error("sampling interval failed: {}", e.toString(), e);
                iv = null;
            }
            long wait = (iv == null ? adaptive.periodMs() : iv.nextPeriodMs()) - (clock.millis() - t0);
            if (wait > 0 && running.get()) {
                Thread.sleep(wait);
            }
        }
    }

    public void stop() {
        running.set(false);
    }

    /** One interval; everything it sends is flushed before it returns. */
    public Interval runOnce() throws Exception {
        readMigratorMoves();
        long now = clock.millis();
        int kernel = 0;
        for (PfnMove m : backend.knownKernelMoves()) {
            tracker.expectMove(m.getPid(), m.getVaddr(), m.getNewPfn());
            send(Topics.PFN_MOVES, new HostKey(host), m);
            kernel++;
        }
        long t0 = System.nanoTime();
        SamplerBackend.OwnerScan scan = backend.scanOwners(config.getLong(SamplerConfig.SCAN_SIZE_PAGES));
        OwnerTracker.Changes changes = tracker.observe(scan.pages(), now);
        for (PageOwner o : changes.owners()) {
            send(Topics.PAGE_OWNERS, new PfnKey(host, o.getPfn()), o);
        }
        ownersPublished.increment(changes.owners().size());
        for (PfnMove m : changes.kernelMoves()) {
            send(Topics.PFN_MOVES, new HostKey(host), m);
        }
        kernel += changes.kernelMoves().size();
        int freed = 0;
        if (scan.passComplete()) {
            for (long pfn : tracker.endPass()) {
                send(Topics.PAGE_OWNERS, new PfnKey(host, pfn), null);
                freed++;
            }
        }
        int samples = 0;
        int batches = 0;
        AccessWindow first = null;
        long windowEnd = Long.MIN_VALUE;
        for (AccessWindow w : backend.sampleAccesses(tracker.ownedPfns())) {
            List<PageAccessBatch> bs = Batcher.batches(host, w, backend::nodeOfPfn);
            for (PageAccessBatch b : bs) {
                send(Topics.PAGE_ACCESS, new PfnBlockKey(host, b.getBlock()), b);
                samples += b.getEntries().size();
            }
            first = first == null || w.startMs() < first.startMs() ? w : first;
            windowEnd = Math.max(windowEnd, w.endMs());
            batches += bs.size();
            String src = w.source().name();
            ThermoclineMetrics.SAMPLES_PUBLISHED_METER.counter(meters, ThermoclineMetrics.TAG_SOURCE, src)
                    .increment(w.size());
            ThermoclineMetrics.BATCHES_PUBLISHED_METER.counter(meters, ThermoclineMetrics.TAG_SOURCE, src)
                    .increment(bs.size());
            ThermoclineMetrics.SCAN_DURATION_METER.timer(meters, ThermoclineMetrics.TAG_SOURCE, src)
                    .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
        if (first != null) {
            // after every batch of this interval (same partition, same producer: ordered): the windows are complete
            send(Topics.PAGE_ACCESS, new PfnBlockKey(host, 0L),
                    Batcher.marker(host, first.source(), first.startMs(), windowEnd, first.epoch()));
        }
        int nodes = 0;
        if (lastNodeStatsMs == Long.MIN_VALUE
                || now - lastNodeStatsMs >= config.getLong(SamplerConfig.NODE_STATS_INTERVAL_MS)) {
            for (NodeStats n : backend.nodeStats(now)) {
                send(Topics.NODE_STATS, new NodeKey(host, n.getNode()), n);
                nodes++;
            }
            nodeStatsPublished.increment(nodes);
            lastNodeStatsMs = now;
        }
        producer.flush();
        long next = adaptive.update(scan.scannedPages(), samples + changes.owners().size() + kernel);
        intervals++;
        Interval iv = new Interval(scan.scannedPages(), changes.owners().size(), freed, kernel, samples, batches,
                nodes, next);
        LOG.debug("interval {}: {}", intervals, iv);
        return iv;
    }

    /**
     * Reads this host's committed PfnMoves up to the current end of the partition, so every move the migrator made
     * before this scan is known when frame changes are attributed.
     */
    private void readMigratorMoves() {
        Map<TopicPartition, Long> end = moves.endOffsets(moves.assignment(), MOVES_CATCH_UP);
        long deadline = System.nanoTime() + MOVES_CATCH_UP.toNanos();
        do {
            for (ConsumerRecord<byte[], byte[]> r : moves.poll(MOVES_POLL)) {
                PfnMove m = r.value() == null ? null : moveDe.deserialize(r.topic(), r.value());
                if (m != null && host.equals(m.getHost()) && m.getCause() == MoveCause.MIGRATOR) {
                    tracker.expectMove(m.getPid(), m.getVaddr(), m.getNewPfn());
                }
            }
        } while (end.entrySet().stream().anyMatch(e -> moves.position(e.getKey()) < e.getValue())
                && System.nanoTime() < deadline);
    }

    @SuppressWarnings("unchecked")
    private <K extends SpecificRecord, V extends SpecificRecord> void send(TopicSpec<K, V> topic, K key, V value) {
        Serializer<?>[] ser = serializers.computeIfAbsent(topic.name(), t -> new Serializer<?>[] {
            topic.keySerde(serdes).serializer(), topic.valueSerde(serdes).serializer()});
        byte[] k = ((Serializer<K>) ser[0]).serialize(topic.name(), key);
        byte[] v = value == null ? null : ((Serializer<V>) ser[1]).serialize(topic.name(), value);
        // tc.page-access is partitioned by host: the hotness app keeps each host's windows in one task, in order
        Integer partition = topic == Topics.PAGE_ACCESS ? accessPartition() : null;
        producer.send(new ProducerRecord<>(topic.name(), partition, k, v), (md, ex) -> {
            if (ex != null) {
                publishErrors.computeIfAbsent(topic.name(), t -> ThermoclineMetrics.PUBLISH_ERRORS_METER
                        .counter(meters, ThermoclineMetrics.TAG_TOPIC, t)).increment();
                LOG.warn("send to {} failed: {}", topic.name(), ex.toString());
            }
        });
    }

    private int accessPartition() {
        if (accessPartition < 0) {
            List<PartitionInfo> parts = producer.partitionsFor(Topics.PAGE_ACCESS.name());
            accessPartition = HostPartitioning.partition(host, parts.size());
        }
        return accessPartition;
    }

    @Override
    public void close() throws java.io.IOException {
        running.set(false);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (moves != null) {
            moves.close();
        }
        backend.close();
    }
}
