package io.thermocline.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producer throughput against a fresh {@link KafkaBroker}: small records, a few producer
 * settings, figures written as JSON. Not a test: run it by hand, e.g.
 * {@code ./mvnw -f services/kafka-broker/pom.xml -o exec:java -Dexec.mainClass=io.thermocline.broker.BrokerBench
 * -Dexec.args="target/broker-bench.json"}.
 *
 * <p>Arguments: {@code OUT.json [--records N] [--value-bytes B] [--partitions P]}.
 */
public final class BrokerBench {

    static final int DEFAULT_RECORDS = 2_000_000;
    static final int DEFAULT_VALUE_BYTES = 64;
    static final int KEY_BYTES = 8;
    static final int DEFAULT_PARTITIONS = 3;
    /** Records sent before each measured run so the JIT and the broker's segments are warm. */
    static final int WARMUP_RECORDS = 200_000;

    /** One producer setting to measure. */
    record Scenario(String name, String acks, String compression, int lingerMs, int batchBytes) {
    }

    /**
     * One measured run. CPU seconds (broker child + this JVM) make the figure comparable on a
     * shared machine, where wall-clock rates mostly measure the neighbours.
     */
    record Result(Scenario scenario, long records, double seconds, double recordsPerSecond, double mibPerSecond,
                  double brokerCpuSeconds, double clientCpuSeconds) {
        double recordsPerCpuSecond() {
            return records / (brokerCpuSeconds + clientCpuSeconds);
        }
    }

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("acks1-none", "1", "none", 5, 256 * 1024),
            new Scenario("acksall-none", "all", "none", 5, 256 * 1024),
            new Scenario("acksall-lz4", "all", "lz4", 5, 256 * 1024));

    private BrokerBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BrokerBench OUT.json [--records N] [--value-bytes B] [--partitions P]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int records = DEFAULT_RECORDS;
        int valueBytes = DEFAULT_VALUE_BYTES;
        int partitions = DEFAULT_PARTITIONS;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--records" -> records = v;
                case "--value-bytes" -> valueBytes = v;
                case "--partitions" -> partitions = v;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (records <= 0 || valueBytes <= 0 || partitions <= 0) {
            throw new IllegalArgumentException("records, value-bytes and partitions must be positive");
        }

        double loadBefore = loadAverage();
        Path dataDir = Files.createTempDirectory("thermocline-bench-kafka-");
        List<Result> results = new ArrayList<>();
        long startMs;
        long rssAfterStart;
        long rssAfterBench;
        try (KafkaBroker broker = KafkaBroker.start(dataDir)) {
            startMs = broker.startupTime().toMillis();
            rssAfterStart = broker.rssBytes().orElse(-1);
            try (Admin admin = Admin.create(adminProps(broker))) {
                List<NewTopic> topics = new ArrayList<>();
                for (Scenario s : SCENARIOS) {
                    topics.add(new NewTopic(topicOf(s), partitions, (short) 1));
                }
                admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            }
            for (Scenario s : SCENARIOS) {
                Result r = run(broker, s, records, valueBytes);
                results.add(r);
                System.out.printf(Locale.ROOT,
                        "%-14s %,12.0f records/s  %8.1f MiB/s  %,12.0f records/CPU-s  (%d records in %.2f s)%n",
                        s.name(), r.recordsPerSecond(), r.mibPerSecond(), r.recordsPerCpuSecond(), r.records(),
                        r.seconds());
            }
            rssAfterBench = broker.rssBytes().orElse(-1);
        }
        double loadAfter = loadAverage();
        String json = toJson(records, valueBytes, partitions, startMs, rssAfterStart, rssAfterBench, results,
                loadBefore, loadAfter);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath());
        deleteTree(dataDir);
    }

    private static String topicOf(Scenario s) {
        return "bench." + s.name();
    }

    private static Properties adminProps(KafkaBroker broker) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return p;
    }

    static Result run(KafkaBroker broker, Scenario s, int records, int valueBytes) throws Exception {
        Properties p = adminProps(broker);
        p.put(ProducerConfig.ACKS_CONFIG, s.acks());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        p.put(ProducerConfig.LINGER_MS_CONFIG, s.lingerMs());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, s.batchBytes());
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "all".equals(s.acks()));
        String topic = topicOf(s);
        // a pool of distinct random payloads: compression sees realistic, not constant, bytes
        Random rnd = new Random(42);
        byte[][] values = new byte[1024][];
        byte[][] keys = new byte[1024][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[valueBytes];
            rnd.nextBytes(values[i]);
            keys[i] = new byte[KEY_BYTES];
            rnd.nextBytes(keys[i]);
        }
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            send(producer, topic, keys, values, WARMUP_RECORDS, failed, firstError);
            producer.flush();
            double brokerCpu0 = cpuSeconds(broker.pid());
            double clientCpu0 = cpuSeconds(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            send(producer, topic, keys, values, records, failed, firstError);
            producer.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double brokerCpu = cpuSeconds(broker.pid()) - brokerCpu0;
            double clientCpu = cpuSeconds(ProcessHandle.current().pid()) - clientCpu0;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " sends failed", firstError.get());
            }
            double rate = records / seconds;
            double mib = rate * (valueBytes + KEY_BYTES) / (1024.0 * 1024.0);
            return new Result(s, records, seconds, rate, mib, brokerCpu, clientCpu);
        }
    }

    /** Total CPU time of a process so far (user + system), NaN where the OS does not tell. */
    static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration())
                .map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** The 1-minute load average, -1 where /proc/loadavg is missing. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[][] keys, byte[][] values,
                             int n, AtomicLong failed, AtomicReference<Exception> firstError) {
        int mask = values.length - 1;
        for (int i = 0; i < n; i++) {
            producer.send(new ProducerRecord<>(topic, keys[i & mask], values[i & mask]), (md, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                }
            });
        }
    }

    static String toJson(int records, int valueBytes, int partitions, long startMs, long rssAfterStart,
                         long rssAfterBench, List<Result> results, double loadBefore, double loadAfter) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n");
        sb.append("  \"benchmark\": \"kafka-producer-small-records\",\n");
        sb.append("  \"timestamp\": \"").append(Instant.now()).append("\",\n");
        sb.append("  \"kafka_version\": \"").append(org.apache.kafka.common.utils.AppInfoParser.getVersion()).append("\",\n");
        sb.append("  \"java_version\": \"").append(System.getProperty("java.version")).append("\",\n");
        sb.append("  \"cpus\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        sb.append("  \"load_average_1m_before\": ").append(loadBefore).append(",\n");
        sb.append("  \"load_average_1m_after\": ").append(loadAfter).append(",\n");
        sb.append("  \"records_per_run\": ").append(records).append(",\n");
        sb.append("  \"warmup_records\": ").append(WARMUP_RECORDS).append(",\n");
        sb.append("  \"key_bytes\": ").append(KEY_BYTES).append(",\n");
        sb.append("  \"value_bytes\": ").append(valueBytes).append(",\n");
        sb.append("  \"partitions\": ").append(partitions).append(",\n");
        sb.append("  \"broker_startup_ms\": ").append(startMs).append(",\n");
        sb.append("  \"broker_rss_bytes_after_start\": ").append(rssAfterStart).append(",\n");
        sb.append("  \"broker_rss_bytes_after_bench\": ").append(rssAfterBench).append(",\n");
        sb.append("  \"runs\": [\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            sb.append(String.format(Locale.ROOT,
                    "    {\"name\": \"%s\", \"acks\": \"%s\", \"compression\": \"%s\", \"linger_ms\": %d, "
                            + "\"batch_bytes\": %d, \"records\": %d, \"seconds\": %.3f, \"records_per_s\": %.0f, "
                            + "\"mib_per_s\": %.2f, \"broker_cpu_s\": %.2f, \"client_cpu_s\": %.2f, "
                            + "\"records_per_cpu_s\": %.0f}%s%n",
                    r.scenario().name(), r.scenario().acks(), r.scenario().compression(), r.scenario().lingerMs(),
                    r.scenario().batchBytes(), r.records(), r.seconds(), r.recordsPerSecond(), r.mibPerSecond(),
                    r.brokerCpuSeconds(), r.clientCpuSeconds(), r.recordsPerCpuSecond(),
                    i + 1 < results.size() ? "," : ""));
        }
        sb.append("  ]\n}\n");
        return sb.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp dir
                }
            });
        }
    }
}
