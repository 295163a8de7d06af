package io.thermocline.cli;

import io.thermocline.serde.WireSerdeFactory;
import io.thermocline.topics.TopicSpec;
import io.thermocline.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code thermocline export}: copies one Avro topic of the catalogue into a Parquet or CSV file for
 * downstream analytics. Reads every partition without a consumer group (nothing committed), from the start to
 * the end offsets seen at start-up (or, with {@code --no-from-beginning}, what arrives from now until
 * {@code --max-records} or {@code --timeout}). Tombstones are counted, not written.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export an Avro topic to Parquet or CSV for analytics.")
public final class ExportCommand implements Callable<Integer> {

    /** Output formats. */
    public enum Format { PARQUET, CSV }

    /** Parquet page compression. */
    public enum Compression {
        NONE(CompressionCodecName.UNCOMPRESSED), SNAPPY(CompressionCodecName.SNAPPY), ZSTD(CompressionCodecName.ZSTD);

        final CompressionCodecName codec;

        Compression(CompressionCodecName codec) {
            this.codec = codec;
        }
    }

    static final Duration POLL = Duration.ofMillis(200);

    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", required = true, description = "Topic of the catalogue, e.g. tc.page-access.")
    String topic;
    @Option(names = "--format", required = true, description = "Output format: ${COMPLETION-CANDIDATES}.")
    Format format;
    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output directory (created); the file is <topic>.parquet or <topic>.csv.")
    Path out;
    @Option(names = "--from-beginning", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Read from the start up to the current end (default). --no-from-beginning exports what "
                    + "arrives from now on, until --max-records or --timeout.")
    boolean fromBeginning;
    @Option(names = "--max-records", defaultValue = "-1", description = "Stop after this many records (default: all).")
    long maxRecords;
    @Option(names = "--timeout", defaultValue = "120s", converter = PinCommand.DurationConverter.class,
            description = "Give up after this long (default ${DEFAULT-VALUE}); with --no-from-beginning, how long to "
                    + "collect.")
    Duration timeout;
    @Option(names = "--compression", defaultValue = "SNAPPY",
            description = "Parquet compression: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Compression compression;
    @Option(names = "--overwrite", description = "Replace an existing output file.")
    boolean overwrite;

    /** What an export did. */
    record Result(Path file, long records, long rows, long tombstones, int partitions, boolean complete) {
    }

    @Override
    public Integer call() {
        TopicSpec<?, ?> topicSpec = validate();
        try {
            long started = System.nanoTime();
            Result r = export(topicSpec);
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "exported %d records (%d rows, %d tombstones skipped) from %s (%d partitions) "
                            + "to %s in %.1f s%n", r.records(), r.rows(), r.tombstones(), topic, r.partitions(),
                    r.file(), (System.nanoTime() - started) / 1e9);
            o.flush();
            if (!r.complete()) {
                throw new CliFailure("timed out after " + timeout + " before reaching the end of " + topic
                        + "; the file holds the " + r.records() + " records read so far");
            }
            return 0;
        } catch (CliFailure f) {
            return CliFailure.report(spec, f);
        } catch (IOException e) {
            return CliFailure.report(spec, new CliFailure("cannot write " + out + ": " + e.getMessage()));
        } catch (KafkaException e) {
            return CliFailure.report(spec, new CliFailure("Kafka error reading " + topic + ": " + e.getMessage()));
        }
    }

    private TopicSpec<?, ?> validate() {
        CommandLine cl = spec.commandLine();
        TopicSpec<?, ?> t = Topics.byName(topic).orElseThrow(() -> new ParameterException(cl,
                "unknown topic '" + topic + "'; the catalogue has: "
                        + Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.joining(", "))));
        if (maxRecords == 0 || maxRecords < -1) {
            throw new ParameterException(cl, "--max-records must be positive, got " + maxRecords);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ParameterException(cl, "--timeout must be positive, got " + timeout);
        }
        if (!fromBeginning && maxRecords < 0 && timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new ParameterException(cl, "--no-from-beginning needs --max-records or a --timeout of at most 1h");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ParameterException(cl, "--out must be a directory: " + out);
        }
        return t;
    }

    Path outputFile() {
        return out.resolve(topic + (format == Format.PARQUET ? ".parquet" : ".csv"));
    }

    private <V extends org.apache.avro.specific.SpecificRecord> Result export(TopicSpec<?, V> t) throws IOException {
        Path file = outputFile();
        Files.createDirectories(out);
        if (Files.exists(file)) {
            if (!overwrite) {
                throw new CliFailure(file + " exists (use --overwrite to replace it)");
            }
            Files.delete(file);
        }
        Map<String, Object> serdeConfigs = cluster.serdeConfigs();
        Serde<V> serde = WireSerdeFactory.fromConfig(serdeConfigs).serde(t.valueType(), serdeConfigs, false);
        Schema valueSchema = SpecificData.get().getSchema(t.valueType());
        Map<String, Object> c = new HashMap<>(cluster.clientConfigs("thermocline-export"));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (serde; KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new CliFailure("topic " + topic + " does not exist on " + cluster.bootstrapServers());
            }
            List<TopicPartition> parts = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            Map<TopicPartition, Long> end;
            if (fromBeginning) {
                consumer.seekToBeginning(parts);
                end = consumer.endOffsets(parts, timeout);
            } else {
                consumer.seekToEnd(parts);
                parts.forEach(consumer::position); // fix the start now, before collecting
                end = null;
            }
            Deserializer<V> deserializer = serde.deserializer();
            long records = 0;
            long tombstones = 0;
            boolean complete;
            try (ExportSink sink = format == Format.PARQUET
                    ? new ParquetExportSink(file, valueSchema, compression.codec)
                    : new CsvExportSink(file, valueSchema)) {
                while (true) {
                    if (maxRecords > 0 && records >= maxRecords) {
                        complete = true;
                        break;
                    }
                    if (end != null && reached(consumer, end)) {
                        complete = true;
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        complete = end == null; // collecting from now: the timeout is the normal end
                        break;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        if (end != null && r.offset() >= end.getOrDefault(
                                new TopicPartition(r.topic(), r.partition()), Long.MAX_VALUE)) {
                            continue; // arrived after the export started
                        }
                        if (maxRecords > 0 && records >= maxRecords) {
                            break;
                        }
                        if (r.value() == null) {
                            tombstones++;
                            continue;
                        }
                        V value;
                        try {
                            value = deserializer.deserialize(r.topic(), r.headers(), r.value());
                        } catch (RuntimeException e) {
                            throw new CliFailure("cannot decode " + r.topic() + "-" + r.partition() + "@" + r.offset()
                                    + ": " + e.getMessage());
                        }
                        sink.write(r.partition(), r.offset(), r.timestamp(), (SpecificRecord) value);
                        records++;
                    }
                }
                return new Result(file, records, sink.rows(), tombstones, parts.size(), complete);
            }
        }
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
