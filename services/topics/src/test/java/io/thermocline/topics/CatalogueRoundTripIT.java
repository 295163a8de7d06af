package io.thermocline.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.cluster.LocalCluster;
import io.thermocline.cluster.junit.LocalClusterExtension;
import io.thermocline.serde.AvroDeserializer;
import io.thermocline.serde.WireFormatException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every catalogue record through the real broker and the real (Apicurio) registry, Confluent wire format. */
@ExtendWith(LocalClusterExtension.class)
class CatalogueRoundTripIT {

    private static SerdeFactory serdes;

    @BeforeAll
    static void createTopics(LocalCluster cluster) {
        TopicAdmin.ensureTopics(cluster.admin(), Topics.ALL, 1, (short) 1);
        serdes = TopicSerdes.fromConfig(Map.of("schema.registry.url", cluster.registryUrl()));
    }

    @Test
    void everyRecordTypeRoundTripsInTheWireFormat(LocalCluster cluster) throws Exception {
        for (var e : SampleRecords.all().entrySet()) {
            roundTrip(cluster, e.getKey(), e.getValue());
        }
        // subjects were registered by TopicNameStrategy in the real registry
        HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cluster.registryUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (TopicSpec<?, ?> t : Topics.ALL) {
            assertTrue(subjects.body().contains("\"" + t.valueSubject() + "\""), t.valueSubject() + " in " + subjects.body());
            assertTrue(subjects.body().contains("\"" + t.keySubject() + "\""), t.keySubject());
        }
    }

    @SuppressWarnings("unchecked")
    private static <K extends SpecificRecord, V extends SpecificRecord> void roundTrip(
            LocalCluster cluster, TopicSpec<K, V> spec, SampleRecords.Pair pair) throws Exception {
        Serde<K> keySerde = spec.keySerde(serdes);
        Serde<V> valueSerde = spec.valueSerde(serdes);
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(producerProps(cluster),
                keySerde.serializer(), valueSerde.serializer())) {
            producer.send(new ProducerRecord<>(spec.name(), (K) pair.key(), (V) pair.value())).get();
        }
        List<ConsumerRecord<byte[], byte[]>> raw = readAll(cluster, spec.name(), 1);
        ConsumerRecord<byte[], byte[]> r = raw.get(raw.size() - 1);
        assertEquals(0, r.value()[0], "magic byte");
        assertTrue(r.value().length > 5);
        V value = valueSerde.deserializer().deserialize(spec.name(), r.value());
        K key = keySerde.deserializer().deserialize(spec.name(), r.key());
        assertEquals(pair.value(), value, spec.name());
        assertEquals(pair.key(), key, spec.name());
    }

    @Test
    void corruptRecordIsRejectedNamingTopicPartitionOffset(LocalCluster cluster) throws Exception {
        String topic = Topics.PAGE_ACCESS.name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(cluster),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, new byte[] {0, 0, 0, 0, 1, 2},
                    new byte[] {7, 0, 0, 0, 1, 42})).get();
            producer.send(new ProducerRecord<>(topic, 0, new byte[] {0, 0, 0, 0, 1, 2},
                    new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 42})).get();
        }
        List<ConsumerRecord<byte[], byte[]>> raw = readAll(cluster, topic, 2);
        var badMagic = raw.get(raw.size() - 2);
        var unknownId = raw.get(raw.size() - 1);
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("schema.registry.url", cluster.registryUrl());
        AvroDeserializer<io.thermocline.avro.telemetry.PageAccessBatch> d = new AvroDeserializer<>();
        cfg.put("specific.avro.value.type", io.thermocline.avro.telemetry.PageAccessBatch.class.getName());
        d.configure(cfg, false);
        WireFormatException e1 = assertThrows(WireFormatException.class, () -> d.deserialize(badMagic));
        assertEquals(WireFormatException.Kind.BAD_MAGIC_BYTE, e1.kind());
        assertTrue(e1.getMessage().contains(topic) && e1.getMessage().contains("partition 0")
                && e1.getMessage().contains("offset " + badMagic.offset()), e1.getMessage());
        WireFormatException e2 = assertThrows(WireFormatException.class, () -> d.deserialize(unknownId));
        assertEquals(WireFormatException.Kind.UNKNOWN_SCHEMA_ID, e2.kind());
        assertTrue(e2.getMessage().contains("offset " + unknownId.offset()), e2.getMessage());
    }

    private static Properties producerProps(LocalCluster cluster) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(LocalCluster cluster, String topic, int atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertTrue(out.size() >= atLeast, "read " + out.size() + " records from " + topic);
        return out;
    }
}
