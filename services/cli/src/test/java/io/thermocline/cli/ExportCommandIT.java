package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.cluster.junit.LocalClusterExtension;
import io.thermocline.registry.RegistryClientConfig;
import io.thermocline.serde.WireSerdeFactory;
import io.thermocline.topics.Topics;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * export against the real broker and registry. The cluster is shared with other test classes, so each run
 * writes batches for its own host id and checks exactly those rows (plus totals that must match the output).
 */
@ExtendWith(LocalClusterExtension.class)
class ExportCommandIT {

    private static final int BATCHES = 40;
    private static final String HOST = "export-it-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Pattern SUMMARY = Pattern.compile("exported (\\d+) records \\((\\d+) rows, (\\d+) tombstones");
    private static LocalCluster cluster;
    private static String[] conn;

    @BeforeAll
    static void produce(LocalCluster c) throws Exception {
        cluster = c;
        c.createTopics(List.of(Topics.PAGE_ACCESS.newTopic(0, (short) 1)));
        conn = new String[] {"--bootstrap-servers", c.bootstrapServers(), "--registry-url", c.registryUrl()};
        try (Producer p = new Producer()) {
            for (int b = 0; b < BATCHES; b++) {
                p.send(HOST, b, ExportSamples.batch(HOST, b));
            }
            p.send(HOST, 999, null); // a tombstone: counted, not exported
        }
    }

    /** Writes PageAccessBatch records in the Confluent wire format through the real registry. */
    static final class Producer implements AutoCloseable {
        private final Serde<PfnBlockKey> ks;
        private final Serde<PageAccessBatch> vs;
        private final KafkaProducer<PfnBlockKey, PageAccessBatch> producer;

        Producer() {
            Map<String, Object> sc = Map.of(RegistryClientConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl());
            WireSerdeFactory f = WireSerdeFactory.fromConfig(sc);
            ks = f.serde(PfnBlockKey.class, sc, true);
            vs = f.serde(PageAccessBatch.class, sc, false);
            Map<String, Object> pc = new HashMap<>();
            pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            pc.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(pc, ks.serializer(), vs.serializer());
        }

        void send(String host, long block, PageAccessBatch value) throws Exception {
            producer.send(new ProducerRecord<>(Topics.PAGE_ACCESS.name(), new PfnBlockKey(host, block), value))
                    .get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            producer.close();
            ks.close();
            vs.close();
        }
    }

    private static CliRun export(String... args) {
        List<String> all = new ArrayList<>(List.of("export"));
        all.addAll(List.of(conn));
        all.addAll(List.of(args));
        return CliRun.run(all.toArray(String[]::new));
    }

    private static long[] summary(CliRun r) {
        Matcher m = SUMMARY.matcher(r.out());
        assertTrue(m.find(), r.toString());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    @Test
    void parquetHoldsEveryBatchWithItsEntries(@TempDir Path dir) throws Exception {
        CliRun r = export("--topic", "tc.page-access", "--format", "parquet", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.toString());
        long[] s = summary(r);
        Path file = dir.resolve("tc.page-access.parquet");
        List<GenericRecord> rows = ExportCommandTest.readParquet(file);
        assertEquals(s[0], rows.size(), "file rows = reported records");
        assertTrue(s[2] >= 1, "our tombstone was skipped: " + r);
        checkOurBatches(rows);

        // an existing file is not replaced silently
        CliRun again = export("--topic", "tc.page-access", "--format", "parquet", "--out", dir.toString());
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.err().contains("exists (use --overwrite"), again.toString());
    }

    static void checkOurBatches(List<GenericRecord> rows) {
        Set<Long> blocks = new HashSet<>();
        Set<String> locations = new HashSet<>();
        for (GenericRecord g : rows) {
            assertTrue(locations.add(g.get("kafka_partition") + "@" + g.get("kafka_offset")), "no record twice");
            if (!HOST.equals(g.get("host").toString())) {
                continue;
            }
            long b = (Long) g.get("block");
            assertTrue(blocks.add(b), "block " + b + " once");
            PageAccessBatch expected = ExportSamples.batch(HOST, (int) b);
            List<?> entries = (List<?>) g.get("entries");
            assertEquals(expected.getEntries().size(), entries.size());
            for (int i = 0; i < entries.size(); i++) {
                GenericRecord e = (GenericRecord) entries.get(i);
                assertEquals(expected.getEntries().get(i).getPfn(), e.get("pfn"));
                assertEquals(expected.getEntries().get(i).getCount(), e.get("count"));
            }
            assertEquals(expected.getWindowStartMs().toEpochMilli(), g.get("windowStartMs"));
            assertEquals("EMULATOR", g.get("source").toString());
        }
        assertEquals(BATCHES, blocks.size(), "every batch of this run exported once");
    }

    @Test
    void csvHasOneRowPerEntry(@TempDir Path dir) throws Exception {
        CliRun r = export("--topic", "tc.page-access", "--format", "csv", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.toString());
        long[] s = summary(r);
        List<String> lines = Files.readAllLines(dir.resolve("tc.page-access.csv"), StandardCharsets.UTF_8);
        assertEquals(s[1] + 1, lines.size(), "header + reported rows");
        List<String> header = List.of(lines.get(0).split(","));
        int host = header.indexOf("host");
        int block = header.indexOf("block");
        int pfn = header.indexOf("entries.pfn");
        int count = header.indexOf("entries.count");
        long ours = 0;
        long sumCounts = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (cells[host].equals(HOST)) {
                ours++;
                long b = Long.parseLong(cells[block]);
                long p = Long.parseLong(cells[pfn]);
                assertEquals(b, p >> 9, "entry belongs to its block");
                assertEquals(10 * b + (p - b * 512), Long.parseLong(cells[count]));
                sumCounts += Long.parseLong(cells[count]);
            }
        }
        assertEquals(ExportSamples.entries(BATCHES), ours);
        long expectedSum = 0;
        for (int b = 0; b < BATCHES; b++) {
            for (int i = 0; i <= b; i++) {
                expectedSum += 10L * b + i;
            }
        }
        assertEquals(expectedSum, sumCounts);
    }

    @Test
    void maxRecordsStopsEarly(@TempDir Path dir) throws Exception {
        CliRun r = export("--topic", "tc.page-access", "--format", "parquet", "--out", dir.toString(),
                "--max-records", "5", "--compression", "zstd");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(5, summary(r)[0]);
        assertEquals(5, ExportCommandTest.readParquet(dir.resolve("tc.page-access.parquet")).size());
    }

    @Test
    void noFromBeginningTakesOnlyNewRecords(@TempDir Path dir) throws Exception {
        String host = HOST + "-live";
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (Producer p = new Producer()) {
                for (int b = 0; !stop.get(); b++) {
                    p.send(host, b, ExportSamples.batch(host, b % 8));
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            CliRun r = export("--topic", "tc.page-access", "--format", "parquet", "--out", dir.toString(),
                    "--no-from-beginning", "--timeout", "8s");
            assertEquals(0, r.exitCode(), r.toString());
            List<GenericRecord> rows = ExportCommandTest.readParquet(dir.resolve("tc.page-access.parquet"));
            assertFalse(rows.isEmpty(), "records produced during the window were exported: " + r);
            for (GenericRecord g : rows) {
                assertFalse(HOST.equals(g.get("host").toString()), "no record from before the export started");
            }
        } finally {
            stop.set(true);
            writer.join(30_000);
        }
    }

    @Test
    void aCatalogueTopicMissingOnTheBrokerIsAClearError(@TempDir Path dir) throws Exception {
        String missing = Topics.DLQ.name();
        boolean exists = cluster.admin().listTopics().names().get(30, TimeUnit.SECONDS).contains(missing);
        Assumptions.assumeFalse(exists, missing + " was created by another test of this JVM");
        CliRun r = export("--topic", missing, "--format", "csv", "--out", dir.toString(), "--timeout", "20s");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("topic " + missing + " does not exist"), r.toString());
    }

    /** The real launcher classpath (runtime scope, no Hadoop) in a child JVM: Parquet needs no Hadoop. */
    @Test
    void parquetExportRunsWithoutHadoopOnTheClasspath(@TempDir Path dir) throws Exception {
        Path cp = Path.of("target", "cli.classpath");
        assertTrue(Files.exists(cp), "target/cli.classpath is written at package, before the ITs");
        String classpath = Files.readString(cp).trim();
        assertFalse(classpath.contains("org/apache/hadoop/"), "no Hadoop jar at run time: " + classpath);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", Path.of("target", "classes") + File.pathSeparator + classpath,
                "io.thermocline.cli.ThermoclineCli", "export"));
        cmd.addAll(List.of(conn));
        cmd.addAll(List.of("--topic", "tc.page-access", "--format", "parquet", "--out", dir.toString()));
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child export finished");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(SUMMARY.matcher(out).find(), out);
        checkOurBatches(ExportCommandTest.readParquet(dir.resolve("tc.page-access.parquet")));
    }
}
