package io.thermocline.serde;

import java.io.IOException;
import org.apache.avro.io.DatumReader;

/**
 * A hand-written {@link DatumReader} that also decodes straight from the record's bytes, without a Decoder: the
 * deserializer calls {@link #read(byte[], int, int)} when the reader offers it (a hot topic's varint loop without
 * Avro's per-value calls).
 */
public interface ByteArrayDatumReader<T> extends DatumReader<T> {

    /**
     * Decodes one Avro body, {@code buf[off, off + len)}, to its end: truncated input, an invalid value or bytes left
     * over are an IOException.
     */
    T read(byte[] buf, int off, int len) throws IOException;
}
