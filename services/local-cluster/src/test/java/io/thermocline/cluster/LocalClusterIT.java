package io.thermocline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.thermocline.cluster.junit.LocalClusterExtension;

/** The shared cluster from the extension: broker and registry both serve. */
@ExtendWith(LocalClusterExtension.class)
class LocalClusterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void registryAnswersSubjects(LocalCluster cluster) throws Exception {
        SharedClusterCheck.record(cluster);
        assertTrue(cluster.registryUrl().startsWith("http://127.0.0.1:"), cluster.registryUrl());
        assertTrue(cluster.registryUrl().endsWith("/apis/ccompat/v7"), cluster.registryUrl());
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cluster.registryUrl() + "/subjects")).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().trim().startsWith("["), "a JSON array of subjects: " + r.body());
    }

    @Test
    void brokerServesAndCreateTopicsIsRepeatable(LocalCluster cluster) throws Exception {
        SharedClusterCheck.record(cluster);
        String topic = "it.local-cluster";
        List<NewTopic> topics = List.of(new NewTopic(topic, 2, (short) 1));
        Set<String> first = cluster.createTopics(topics);
        Set<String> again = cluster.createTopics(topics);
        assertEquals(Set.of(topic), first);
        assertEquals(Set.of(), again, "an existing topic is left alone");
        assertTrue(cluster.admin().listTopics().names().get(10, TimeUnit.SECONDS).contains(topic));

        Properties pp = cluster.clientProperties();
        pp.remove(LocalCluster.SCHEMA_REGISTRY_URL_CONFIG); // not a producer config: avoid the warning
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get(10, TimeUnit.SECONDS);
        }
        Properties cp = cluster.clientProperties();
        cp.remove(LocalCluster.SCHEMA_REGISTRY_URL_CONFIG);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "it-local-cluster");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            String got = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (got == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(500))) {
                    got = rec.value();
                }
            }
            assertEquals("hello", got);
        }
    }

    @Test
    void childrenAndLogsLiveInTheWorkDir(LocalCluster cluster) {
        SharedClusterCheck.record(cluster);
        assertTrue(cluster.broker().isAlive());
        assertTrue(cluster.registry().isAlive());
        assertTrue(Files.isRegularFile(cluster.workDir().resolve(LocalCluster.KAFKA_DIR).resolve("logs/server.log")));
        assertTrue(Files.isRegularFile(cluster.workDir().resolve(LocalCluster.REGISTRY_DIR)
                .resolve(RegistryServerProcess.LOG_FILE)));
    }

    @Test
    void aRegistryThatCannotStartStopsTheBrokerToo(@TempDir Path dir) throws IOException {
        Path bogusJar = dir.resolve("no-such-registry.jar");
        long childrenBefore = ProcessHandle.current().children().count();
        IOException e = assertThrows(IOException.class,
                () -> LocalCluster.builder().workDir(dir.resolve("cluster")).registryJar(bogusJar).start());
        assertTrue(e.getMessage().contains("no-such-registry.jar"), e.getMessage());
        assertEquals(childrenBefore, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "the broker started for the failed cluster must be stopped");
        assertTrue(Files.exists(dir.resolve("cluster/kafka/kafka-logs/meta.properties")),
                "the broker had been started (and formatted its storage) before the registry failed");
    }
}
