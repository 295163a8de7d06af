package io.thermocline.hotness.ingest;

import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.serde.ByteArrayDatumReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;

/**
 * Hand-written Avro decoder of PageAccessBatch, used by the deserializer only when the writer schema is
 * exactly the generated class's schema: it reads the entries into {@link PackedAccesses} (two primitive
 * arrays) instead of one PageAccess object per entry - decoding was the largest single cost of stage 1 - and
 * decodes the varints straight from the record's bytes ({@link #read(byte[], int, int)}).
 * {@link #matches} pins the field layout it was written for; a schema change that it does not know turns it
 * off (Avro's reader takes over) instead of misreading.
 */
public final class PageAccessBatchReader implements ByteArrayDatumReader<PageAccessBatch> {

    /** (name, Avro type) of the fields, in order, that this decoder reads. */
    private static final List<String> LAYOUT = List.of("host:STRING", "source:ENUM", "node:INT", "block:LONG",
            "blockShift:INT", "windowStartMs:LONG", "windowEndMs:LONG", "epoch:LONG", "sampleRate:INT",
            "entries:ARRAY", "windowComplete:BOOLEAN");
    private static final List<String> ENTRY_LAYOUT = List.of("pfn:LONG", "count:INT");
    private static final AccessSource[] SOURCES = AccessSource.values();
    private static final long[] NO_PFNS = new long[0];
    private static final int[] NO_COUNTS = new int[0];
    /** A block has at most 2^16 pages (Validators); more entries than this is a corrupt or hostile record. */
    private static final int MAX_ENTRIES = 1 << 20;

    /** True when {@code schema} has exactly the layout this decoder reads. */
    public static boolean matches(Schema schema) {
        return layout(schema).equals(LAYOUT)
                && layout(schema.getField("entries").schema().getElementType()).equals(ENTRY_LAYOUT)
                && schema.getField("source").schema().getEnumSymbols().equals(symbols());
    }

    private static List<String> layout(Schema record) {
        return record.getFields().stream().map(f -> f.name() + ":" + f.schema().getType()).toList();
    }

    private static List<String> symbols() {
        return Arrays.stream(SOURCES).map(Enum::name).toList();
    }

    @Override
    public void setSchema(Schema schema) {
        if (!matches(schema)) {
            throw new IllegalArgumentException("PageAccessBatchReader cannot read " + schema.getFullName()
                    + " with fields " + layout(schema));
        }
    }

    @Override
    public PageAccessBatch read(PageAccessBatch reuse, Decoder in) throws IOException {
        return read(new DecoderInput(in));
    }

    @Override
    public PageAccessBatch read(byte[] buf, int off, int len) throws IOException {
        Cursor in = new Cursor(buf, off, off + len);
        PageAccessBatch b = read(in);
        in.checkEnd();
        return b;
    }

    private static PageAccessBatch read(Input in) throws IOException {
        PageAccessBatch b = new PageAccessBatch();
        b.setHost(in.readString());
        int source = in.readEnum();
        if (source < 0 || source >= SOURCES.length) {
            throw new IOException("AccessSource index " + source + " out of range");
        }
        b.setSource(SOURCES[source]);
        b.setNode(in.readInt());
        b.setBlock(in.readLong());
        b.setBlockShift(in.readInt());
        b.setWindowStartMs(Instant.ofEpochMilli(in.readLong()));
        b.setWindowEndMs(Instant.ofEpochMilli(in.readLong()));
        b.setEpoch(in.readLong());
        b.setSampleRate(in.readInt());
        b.setEntries(in.readEntries(b.getBlock(), b.getBlockShift()));
        b.setWindowComplete(in.readBoolean());
        return b;
    }

    /** The reads of a batch: from any Avro Decoder, or straight from the record's bytes ({@link Cursor}). */
    private interface Input {
        String readString() throws IOException;

        int readEnum() throws IOException;

        int readInt() throws IOException;

        long readLong() throws IOException;

        boolean readBoolean() throws IOException;

        List<PageAccess> readEntries(long block, int shift) throws IOException;
    }

    private record DecoderInput(Decoder in) implements Input {
        @Override
        public String readString() throws IOException {
            return in.readString();
        }

        @Override
        public int readEnum() throws IOException {
            return in.readEnum();
        }

        @Override
        public int readInt() throws IOException {
            return in.readInt();
        }

        @Override
        public long readLong() throws IOException {
            return in.readLong();
        }

        @Override
        public boolean readBoolean() throws IOException {
            return in.readBoolean();
        }

        @Override
        public List<PageAccess> readEntries(long block, int shift) throws IOException {
            long n = in.readArrayStart();
            long[] pfns = NO_PFNS;
            int[] counts = NO_COUNTS;
            int size = 0;
            while (n > 0) {
                if (size + n > MAX_ENTRIES) {
                    throw new IOException("entries array of more than " + MAX_ENTRIES + " elements");
                }
                int need = (int) (size + n);
                if (need > pfns.length) {
                    int cap = Math.max(need, pfns.length * 2);
                    pfns = Arrays.copyOf(pfns, cap);
                    counts = Arrays.copyOf(counts, cap);
                }
                for (long i = 0; i < n; i++) {
                    pfns[size] = in.readLong();
                    counts[size++] = in.readInt();
                }
                n = in.arrayNext();
            }
            return new PackedAccesses(pfns, counts, size);
        }
    }

    /**
     * Avro binary decoding over an array. Reads do not check the end value by value: a read past it either
     * leaves the array (ArrayIndexOutOfBoundsException) or is caught by {@link #checkEnd}; lengths and counts
     * are checked against the bytes left before anything is allocated for them.
     */
    private static final class Cursor implements Input {
        private final byte[] buf;
        private final int end;
        private int at;

        Cursor(byte[] buf, int from, int end) {
            this.buf = buf;
            this.at = from;
            this.end = end;
        }

        @Override
        public long readLong() throws IOException {
            int b = buf[at++];
            long n = b & 0x7F;
            for (int shift = 7; b < 0; shift += 7) {
                if (shift > 63) {
                    throw new IOException("invalid long encoding at byte " + at);
                }
                b = buf[at++];
                n |= (long) (b & 0x7F) << shift;
            }
            return (n >>> 1) ^ -(n & 1);
        }

        @Override
        public int readEnum() throws IOException {
            return readInt();
        }

        @Override
        public int readInt() throws IOException {
            int b = buf[at++];
            int n = b & 0x7F;
            for (int shift = 7; b < 0; shift += 7) {
                if (shift > 28) {
                    throw new IOException("invalid int encoding at byte " + at);
                }
                b = buf[at++];
                n |= (b & 0x7F) << shift;
            }
            return (n >>> 1) ^ -(n & 1);
        }

        @Override
        public boolean readBoolean() {
            return buf[at++] == 1;
        }

        @Override
        public String readString() throws IOException {
            int n = readInt();
            if (n < 0 || n > end - at) {
                throw new IOException("string of " + n + " bytes with " + (end - at) + " left");
            }
            String s = new String(buf, at, n, StandardCharsets.UTF_8);
            at += n;
            return s;
        }

        /** An array block's item count; a negative count is followed by the block's size in bytes. */
        long readBlockCount() throws IOException {
            long n = readLong();
            if (n < 0) {
                readLong();
                n = -n;
            }
            return n;
        }

        /**
         * The entries; as offsets in the block while every PFN lies in it (what samplers send), else as PFNs (the
         * validator then names the stray one).
         */
        @Override
        public List<PageAccess> readEntries(long block, int shift) throws IOException {
            boolean inBlock = shift >= 0 && shift <= 16 && block >= 0 && block <= Long.MAX_VALUE >> shift;
            long base = inBlock ? block << shift : 0;
            long limit = 1L << Math.max(0, Math.min(shift, 16));
            long[] pfns = null;
            int[] offsets = NO_COUNTS;
            int[] counts = NO_COUNTS;
            int size = 0;
            long n = readBlockCount();
            while (n > 0) {
                // an entry takes at least two bytes: a count the bytes left cannot hold is corrupt
                if (size + n > MAX_ENTRIES || n > (end - at) / 2) {
                    throw new IOException("entries block of " + n + " elements with " + (end - at) + " bytes left");
                }
                int need = (int) (size + n);
                if (need > counts.length) {
                    int cap = Math.max(need, counts.length * 2);
                    counts = Arrays.copyOf(counts, cap);
                    if (pfns == null) {
                        offsets = Arrays.copyOf(offsets, cap);
                    } else {
                        pfns = Arrays.copyOf(pfns, cap);
                    }
                }
                for (; size < need; size++) {
                    long pfn = readLong();
                    long off = pfn - base;
                    if (pfns == null && inBlock && off >= 0 && off < limit) {
                        offsets[size] = (int) off;
                    } else {
                        if (pfns == null) {
                            pfns = new long[counts.length];
                            for (int j = 0; j < size; j++) {
                                pfns[j] = base + offsets[j];
                            }
                        }
                        pfns[size] = pfn;
                    }
                    counts[size] = readInt();
                }
                n = readBlockCount();
            }
            return pfns == null ? PackedAccesses.inBlock(base, offsets, counts, size)
                    : new PackedAccesses(pfns, counts, size);
        }

        void checkEnd() throws IOException {
            if (at != end) {
                throw new IOException(at > end ? "value truncated: decoding ran " + (at - end) + " bytes past its end"
                        : (end - at) + " trailing bytes after the value");
            }
        }
    }
}
