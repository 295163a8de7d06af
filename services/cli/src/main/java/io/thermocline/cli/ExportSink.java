package io.thermocline.cli;

import java.io.Closeable;
import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;

/** Where {@code thermocline export} writes records: one file per export. */
interface ExportSink extends Closeable {

    /** Writes one Kafka record's value with its location and timestamp. */
    void write(int partition, long offset, long timestampMs, SpecificRecord value) throws IOException;

    /** Rows written so far (CSV explodes arrays, so rows can exceed records). */
    long rows();
}
