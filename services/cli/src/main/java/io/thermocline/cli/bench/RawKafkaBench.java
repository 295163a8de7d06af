package io.thermocline.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The physical reference: produce and consume the exact bytes the samplers send, with no processing,
 * concurrently, and time from the first send to the last record consumed.
 */
public final class RawKafkaBench {

    /** Wall time and volume of one run; {@code steadyRecordsPerSec} between 10% and 90% consumed. */
    public record Result(long records, long bytes, Duration elapsed, double steadyRecordsPerSec) {
        public double recordsPerSec() {
            return records / seconds();
        }

        public double seconds() {
            return Math.max(elapsed.toNanos(), 1) / 1e9;
        }
    }

    /** One serialized record and the partition its producer sends it to (null: the default partitioner). */
    public record Wire(Integer partition, byte[] key, byte[] value) {
        public long bytes() {
            return value.length + (key == null ? 0 : key.length);
        }
    }

    private RawKafkaBench() {
    }

    public static Result run(String bootstrap, String topic, List<Wire> records,
                             Map<String, Object> producerConfig, Duration timeout) throws Exception {
        long bytes = records.stream().mapToLong(Wire::bytes).sum();
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "tc-bench-raw-" + UUID.randomUUID());
        // only this run's records: earlier runs' (warm-up) records in the topic would be counted as consumed while
        // the producer is still sending, and flatter the reference
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        cp.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
        cp.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
        Properties pp = new Properties();
        pp.putAll(producerConfig);
        pp.put("bootstrap.servers", bootstrap);
        AtomicReference<Throwable> sendError = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            // join the group before timing starts
            long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.assignment().isEmpty() && System.nanoTime() < joinDeadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            if (consumer.assignment().isEmpty()) {
                throw new IllegalStateException("raw bench: no partition of " + topic + " assigned within 30 s");
            }
            consumer.assignment().forEach(consumer::position); // resolve "latest" now, before anything is sent
            long t0 = System.nanoTime();
            CompletableFuture<Void> produced = CompletableFuture.runAsync(() -> {
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    for (Wire r : records) {
                        producer.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value()), (md, e) -> {
                            if (e != null) {
                                sendError.compareAndSet(null, e);
                            }
                        });
                    }
                    producer.flush();
                }
            });
            long consumed = 0;
            SteadyRate steady = new SteadyRate(records.size());
            long deadline = t0 + timeout.toNanos();
            while (consumed < records.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw bench: consumed " + consumed + " of " + records.size()
                            + " records within " + timeout);
                }
                if (sendError.get() != null) {
                    throw new IllegalStateException("raw bench: send failed: " + sendError.get().getMessage(),
                            sendError.get());
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                consumed += batch.count();
                steady.observe(consumed, System.nanoTime());
            }
            long t1 = System.nanoTime();
            produced.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(consumed, bytes, Duration.ofNanos(t1 - t0), steady.perSecond(1));
        }
    }
}
