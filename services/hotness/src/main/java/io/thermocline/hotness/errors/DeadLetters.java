package io.thermocline.hotness.errors;

import io.thermocline.avro.dlq.DeadLetter;
import io.thermocline.avro.keys.DeadLetterKey;
import io.thermocline.topics.SerdeFactory;
import io.thermocline.topics.Topics;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;

/** Builds the tc.dlq records both exception handlers return to Streams (written in the same transaction). */
public final class DeadLetters {

    /** Streams config key under which the app passes its {@link SerdeFactory} instance to the handlers. */
    public static final String SERDE_FACTORY_CONFIG = "thermocline.hotness.serde.factory";

    private Serializer<DeadLetterKey> keySer;
    private Serializer<DeadLetter> valueSer;
    private String application = "";

    void configure(Map<String, ?> configs) {
        Object f = configs.get(SERDE_FACTORY_CONFIG);
        if (!(f instanceof SerdeFactory factory)) {
            throw new IllegalArgumentException(SERDE_FACTORY_CONFIG + " must hold a SerdeFactory instance");
        }
        keySer = Topics.DLQ.keySerde(factory).serializer();
        valueSer = Topics.DLQ.valueSerde(factory).serializer();
        Object app = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        application = app == null ? "" : app.toString();
    }

    List<ProducerRecord<byte[], byte[]>> record(String topic, int partition, long offset, long timestamp,
                                                 byte[] key, byte[] value, Exception e) {
        String reason = reason(e);
        DeadLetter dl = DeadLetter.newBuilder()
                .setTopic(topic == null ? "" : topic).setPartition(partition).setOffset(offset)
                .setRecordTimestampMs(timestamp).setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value)).setReason(reason)
                .setExceptionClass(e.getClass().getName()).setApplication(application)
                .setFailedMs(java.time.Instant.ofEpochMilli(System.currentTimeMillis())).build();
        DeadLetterKey k = new DeadLetterKey(dl.getTopic(), partition, offset);
        String dlq = Topics.DLQ.name();
        return List.of(new ProducerRecord<>(dlq, null, keySer.serialize(dlq, k), valueSer.serialize(dlq, dl)));
    }

    static String reason(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 1000; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }
}
