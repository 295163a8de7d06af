package io.thermocline.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Starts a real broker in a child JVM and uses it through the Kafka clients. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBrokerIT {

    private static final int RECORDS = 10_000;
    private static final int PARTITIONS = 3;

    @TempDir
    static Path dataDir;
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = KafkaBroker.start(dataDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Properties common() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return p;
    }

    @Test
    @Order(1)
    void servesOnLoopbackFromAChildJvm() {
        assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
        assertTrue(broker.isAlive());
        assertFalse(broker.pid() == ProcessHandle.current().pid(), "broker must be a child JVM");
        assertEquals(ProcessHandle.current().pid(),
                ProcessHandle.of(broker.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L));
        assertTrue(broker.startupTime().compareTo(KafkaBroker.DEFAULT_STARTUP_TIMEOUT) < 0);
        assertTrue(broker.rssBytes().orElse(Long.MAX_VALUE) > 32L << 20, "RSS " + broker.rssBytes());
        assertTrue(Files.isRegularFile(dataDir.resolve("kafka-logs").resolve(KafkaBroker.META_PROPERTIES)));
        assertTrue(Files.isRegularFile(broker.serverLog()), "broker logs to a file in the data dir");
    }

    @Test
    @Order(2)
    void producesAndConsumesTenThousandRecordsOnAnExplicitTopic() throws Exception {
        String topic = "it.roundtrip";
        try (Admin admin = Admin.create(common())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties pp = common();
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<Integer, String> producer =
                     new KafkaProducer<>(pp, new IntegerSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, i, "value-" + i));
            }
            producer.flush();
        }

        Properties cp = common();
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "it-roundtrip");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        BitSet seen = new BitSet(RECORDS);
        int received = 0;
        int[] partitionsSeen = new int[PARTITIONS];
        try (KafkaConsumer<Integer, String> consumer =
                     new KafkaConsumer<>(cp, new IntegerDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<Integer, String> r : consumer.poll(Duration.ofMillis(500))) {
                    assertEquals("value-" + r.key(), r.value());
                    assertFalse(seen.get(r.key()), "duplicate key " + r.key());
                    seen.set(r.key());
                    partitionsSeen[r.partition()]++;
                    received++;
                }
            }
            consumer.commitSync();
        }
        assertEquals(RECORDS, received);
        assertEquals(RECORDS, seen.cardinality());
        for (int n : partitionsSeen) {
            assertTrue(n > 0, "every partition got records");
        }
    }

    @Test
    @Order(3)
    void autoCreateIsOff() throws Exception {
        String unknown = "it.never-created";
        Properties pp = common();
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            Future<RecordMetadata> f = producer.send(new ProducerRecord<>(unknown, "k", "v"));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause(), "metadata for the topic never arrives");
        }
        try (Admin admin = Admin.create(common())) {
            Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            assertFalse(names.contains(unknown), "topic was auto-created: " + names);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeTopics(List.of(unknown)).allTopicNames().get(10, TimeUnit.SECONDS));
            assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
        }
    }

    @Test
    @Order(4)
    void consumerGroupsAndTransactionsWorkOnOneReplica() throws Exception {
        String topic = "it.tx";
        try (Admin admin = Admin.create(common())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties pp = common();
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }
        Properties cp = common();
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "it-tx");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            String got = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    got = r.value();
                }
            }
            assertEquals("committed", got);
        }
    }

    @Test
    @Order(5)
    void closeStopsTheChildAndReleasesThePorts() throws IOException {
        long pid = broker.pid();
        int port = broker.brokerPort();
        int controllerPort = broker.controllerPort();
        broker.close();
        broker.close(); // idempotent
        assertFalse(broker.isAlive());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        for (int p : new int[] {port, controllerPort}) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), p));
            }
        }
        String log = Files.readString(broker.serverLog());
        assertTrue(log.contains("shut down completed") || log.contains("shutting down") || log.contains("Shutdown"),
                "a SIGTERM gives a clean shutdown in the log");
    }
}
