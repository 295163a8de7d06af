package io.thermocline.hotness.errors;

import io.micrometer.core.instrument.Metrics;
import io.thermocline.metrics.ThermoclineMetrics;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records whose processing throws go to tc.dlq with the reason, the source topic/partition/offset
 * and the source's raw bytes; processing resumes. Validation runs before the first repartition, so the
 * source is the input topic.
 */
public final class DlqProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DlqProcessingHandler.class);
    private final DeadLetters deadLetters = new DeadLetters();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
        LOG.warn("record {}-{}@{} failed in {} to the DLQ: {}", context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), DeadLetters.reason(e));
        ThermoclineMetrics.DLQ_RECORDS_METER.counter(Metrics.globalRegistry, ThermoclineMetrics.TAG_DLQ_REASON,
                "PROCESSING").increment();
        return Response.resume(deadLetters.record(context.topic(), context.partition(), context.offset(),
                context.timestamp(), context.sourceRawKey(), context.sourceRawValue(), e));
    }
}
