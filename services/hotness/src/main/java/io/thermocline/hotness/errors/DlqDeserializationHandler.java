package io.thermocline.hotness.errors;

import io.micrometer.core.instrument.Metrics;
import io.thermocline.metrics.ThermoclineMetrics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records that cannot be deserialized go to tc.dlq with the reason and their topic/partition/offset; processing resumes. */
public final class DlqDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DlqDeserializationHandler.class);
    private final DeadLetters deadLetters = new DeadLetters();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
        LOG.warn("undeserializable record {}-{}@{} to the DLQ: {}", record.topic(), record.partition(),
                record.offset(), DeadLetters.reason(e));
        ThermoclineMetrics.DLQ_RECORDS_METER.counter(Metrics.globalRegistry, ThermoclineMetrics.TAG_DLQ_REASON,
                "DESERIALIZATION").increment();
        return Response.resume(deadLetters.record(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value(), e));
    }
}
