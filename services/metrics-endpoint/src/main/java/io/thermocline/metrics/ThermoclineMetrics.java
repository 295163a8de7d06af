package io.thermocline.metrics;

import io.thermocline.metrics.MetricDescriptor.Kind;
import java.util.List;
import java.util.Optional;

/**
 * The metric catalogue: every Thermocline metric name once, with its description. Services register
 * meters through the descriptors ({@code ThermoclineMetrics.DECISIONS_METER.counter(registry, TAG_REASON,
 * "PROMOTE_HOT")}) so names, units, descriptions and label sets stay in one place; the Grafana
 * dashboard and the alert rules use {@link MetricDescriptor#prometheusName()}.
 *
 * <p>Kafka client, Kafka Streams and RocksDB metrics are not listed here: they come from
 * {@link KafkaMetricsBinders} and {@link StreamsMetricsBinder} under Kafka's own names
 * ({@code kafka_consumer_*}, {@code kafka_producer_*}, {@code kafka_stream_*}).
 */
public final class ThermoclineMetrics {

    /** Every Thermocline metric name starts with this. */
    public static final String PREFIX = "thermocline.";

    // ---- tag keys (Prometheus labels)
    /** Common tag: the service (sampler, migrator, hotness, topics-init). */
    public static final String TAG_SERVICE = "service";
    /** Common tag: the host id (node name on Kubernetes). */
    public static final String TAG_HOST = "host";
    /**
     * A host the hotness app decides for (the common tag {@link #TAG_HOST} is the host the service runs
     * on, so a per-managed-host meter must not reuse that key).
     */
    public static final String TAG_TARGET_HOST = "target_host";
    /** Sample source: EMULATOR, DAMON, PAGE_IDLE, PEBS, IBS, CHMU. */
    public static final String TAG_SOURCE = "source";
    /** Decision reason: PROMOTE_HOT, DEMOTE_COLD, ENFORCE_PIN. */
    public static final String TAG_REASON = "reason";
    /** Migration result status: MOVED, STALE_PFN, PINNED, BUSY, NO_CAPACITY, EXPIRED, RATE_LIMITED, FAILED. */
    public static final String TAG_STATUS = "status";
    /** Direction of a move: PROMOTE or DEMOTE. */
    public static final String TAG_DIRECTION = "direction";
    /** Kafka topic. */
    public static final String TAG_TOPIC = "topic";
    /** Kafka partition number. */
    public static final String TAG_PARTITION = "partition";
    /** Why a record went to the dead-letter topic (e.g. DESERIALIZATION, PROCESSING, PRODUCTION). */
    public static final String TAG_DLQ_REASON = "dlq_reason";

    // ---- sampler
    /** Counter: (pfn, count) samples published in PageAccessBatch records. */
    public static final String SAMPLES_PUBLISHED = "thermocline.sampler.samples.published";
    /** Counter: PageAccessBatch records published (one per host, PFN block and window). */
    public static final String BATCHES_PUBLISHED = "thermocline.sampler.batches.published";
    /** Counter: PageOwner records published (changes only). */
    public static final String OWNERS_PUBLISHED = "thermocline.sampler.owners.published";
    /** Counter: NodeStats records published. */
    public static final String NODE_STATS_PUBLISHED = "thermocline.sampler.node.stats.published";
    /** Timer: one sampling pass (scan of accessed bits, DAMON regions, pagemap...). */
    public static final String SCAN_DURATION = "thermocline.sampler.scan.duration";
    /** Counter: sends that failed after the producer's retries. */
    public static final String PUBLISH_ERRORS = "thermocline.sampler.publish.errors";

    // ---- hotness (Kafka Streams)
    /** Counter: migration decisions emitted, by reason. */
    public static final String DECISIONS = "thermocline.hotness.decisions";
    /** Counter: candidate moves held back by the per-host rate limit, by direction. */
    public static final String DECISIONS_RATE_LIMITED = "thermocline.hotness.decisions.rate.limited";
    /** Counter: pages left alone because pins conflict. */
    public static final String PIN_CONFLICTS = "thermocline.hotness.pin.conflicts";
    /** Counter: PfnMove records applied to stage-1 state (old PFN tombstoned, hotness carried). */
    public static final String PFN_MOVES_APPLIED = "thermocline.hotness.pfn.moves.applied";
    /** Gauge: the current hot threshold (log2 histogram bin) per host. */
    public static final String HOT_THRESHOLD = "thermocline.hotness.hot.threshold";
    /** Gauge: pages with hotness state in this instance's stores. */
    public static final String TRACKED_PAGES = "thermocline.hotness.tracked.pages";

    // ---- migrator
    /** Counter: migration results, by status. */
    public static final String RESULTS = "thermocline.migrator.results";
    /** Timer: time to execute one decision (re-resolve, checks, move_pages or emulator move). */
    public static final String MIGRATION_DURATION = "thermocline.migrator.migration.duration";
    /** Counter: bytes moved between nodes, by direction. */
    public static final String BYTES_MOVED = "thermocline.migrator.moved";
    /** Counter: redelivered decisions recognised by id and not executed again. */
    public static final String DUPLICATE_DECISIONS = "thermocline.migrator.decisions.duplicate";

    // ---- every service
    /** Counter: records sent to tc.dlq, by reason. */
    public static final String DLQ_RECORDS = "thermocline.dlq.records";
    /** Gauge: records between a consumer's position and the partition's end, per topic and partition. */
    public static final String CONSUMER_LAG = "thermocline.consumer.lag";

    // ---- descriptors (name + kind + unit + description + label keys)
    public static final MetricDescriptor SAMPLES_PUBLISHED_METER = new MetricDescriptor(SAMPLES_PUBLISHED,
            Kind.COUNTER, null, "Page-access samples ((pfn, count) entries) published to tc.page-access",
            List.of(TAG_SOURCE));
    public static final MetricDescriptor BATCHES_PUBLISHED_METER = new MetricDescriptor(BATCHES_PUBLISHED,
            Kind.COUNTER, null, "PageAccessBatch records published (one per host, PFN block and window)",
            List.of(TAG_SOURCE));
    public static final MetricDescriptor OWNERS_PUBLISHED_METER = new MetricDescriptor(OWNERS_PUBLISHED,
            Kind.COUNTER, null, "PageOwner records published to tc.page-owners (changes only)", List.of());
    public static final MetricDescriptor NODE_STATS_PUBLISHED_METER = new MetricDescriptor(NODE_STATS_PUBLISHED,
            Kind.COUNTER, null, "NodeStats records published to tc.node-stats", List.of());
    public static final MetricDescriptor SCAN_DURATION_METER = new MetricDescriptor(SCAN_DURATION,
            Kind.TIMER, null, "Duration of one sampling pass", List.of(TAG_SOURCE));
    public static final MetricDescriptor PUBLISH_ERRORS_METER = new MetricDescriptor(PUBLISH_ERRORS,
            Kind.COUNTER, null, "Producer sends that failed after retries", List.of(TAG_TOPIC));

    public static final MetricDescriptor DECISIONS_METER = new MetricDescriptor(DECISIONS,
            Kind.COUNTER, "decisions", "Migration decisions emitted to tc.decisions, by reason",
            List.of(TAG_REASON));
    public static final MetricDescriptor DECISIONS_RATE_LIMITED_METER = new MetricDescriptor(DECISIONS_RATE_LIMITED,
            Kind.COUNTER, null, "Candidate moves held back by the per-host MB/s rate limit",
            List.of(TAG_DIRECTION));
    public static final MetricDescriptor PIN_CONFLICTS_METER = new MetricDescriptor(PIN_CONFLICTS,
            Kind.COUNTER, null, "Pages left alone because their pins conflict", List.of());
    public static final MetricDescriptor PFN_MOVES_APPLIED_METER = new MetricDescriptor(PFN_MOVES_APPLIED,
            Kind.COUNTER, null, "PfnMove records applied to hotness state (old PFN dropped, hotness carried)",
            List.of());
    public static final MetricDescriptor HOT_THRESHOLD_METER = new MetricDescriptor(HOT_THRESHOLD,
            Kind.GAUGE, null, "Hot threshold (log2 access-count bin) sized to the fast tier, per host",
            List.of(TAG_TARGET_HOST));
    public static final MetricDescriptor TRACKED_PAGES_METER = new MetricDescriptor(TRACKED_PAGES,
            Kind.GAUGE, "pages", "Pages with hotness state in this instance's stores", List.of());

    public static final MetricDescriptor RESULTS_METER = new MetricDescriptor(RESULTS,
            Kind.COUNTER, "results", "Migration results published to tc.results, by status",
            List.of(TAG_STATUS));
    public static final MetricDescriptor MIGRATION_DURATION_METER = new MetricDescriptor(MIGRATION_DURATION,
            Kind.TIMER, null, "Time to execute one decision (re-resolve PFN, check pins, move)", List.of());
    public static final MetricDescriptor BYTES_MOVED_METER = new MetricDescriptor(BYTES_MOVED,
            Kind.COUNTER, "bytes", "Bytes moved between NUMA nodes, by direction", List.of(TAG_DIRECTION));
    public static final MetricDescriptor DUPLICATE_DECISIONS_METER = new MetricDescriptor(DUPLICATE_DECISIONS,
            Kind.COUNTER, null, "Redelivered decisions recognised by id and not executed again", List.of());

    public static final MetricDescriptor DLQ_RECORDS_METER = new MetricDescriptor(DLQ_RECORDS,
            Kind.COUNTER, "records", "Records sent to tc.dlq, by reason", List.of(TAG_DLQ_REASON));
    public static final MetricDescriptor CONSUMER_LAG_METER = new MetricDescriptor(CONSUMER_LAG,
            Kind.GAUGE, "records", "Records between the consumer's position and the end of the partition",
            List.of(TAG_TOPIC, TAG_PARTITION));

    /** The whole catalogue. */
    public static final List<MetricDescriptor> ALL = List.of(
            SAMPLES_PUBLISHED_METER, BATCHES_PUBLISHED_METER, OWNERS_PUBLISHED_METER, NODE_STATS_PUBLISHED_METER,
            SCAN_DURATION_METER, PUBLISH_ERRORS_METER,
            DECISIONS_METER, DECISIONS_RATE_LIMITED_METER, PIN_CONFLICTS_METER, PFN_MOVES_APPLIED_METER,
            HOT_THRESHOLD_METER, TRACKED_PAGES_METER,
            RESULTS_METER, MIGRATION_DURATION_METER, BYTES_MOVED_METER, DUPLICATE_DECISIONS_METER,
            DLQ_RECORDS_METER, CONSUMER_LAG_METER);

    private ThermoclineMetrics() {
    }

    public static Optional<MetricDescriptor> byName(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The descriptor whose Prometheus name is {@code prometheusName} or a series of it ({@code _count}, {@code _sum}, {@code _max}, {@code _bucket}). */
    public static Optional<MetricDescriptor> byPrometheusName(String prometheusName) {
        return ALL.stream().filter(d -> prometheusName.equals(d.prometheusName())
                || List.of("_count", "_sum", "_max", "_bucket").stream()
                        .anyMatch(s -> prometheusName.equals(d.prometheusName() + s))).findFirst();
    }
}
