package io.thermocline.hotness.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.hotness.errors.InvalidRecordException;
import io.thermocline.hotness.errors.Validators;
import io.thermocline.hotness.state.WindowCounts;
import io.thermocline.registry.InMemorySchemaRegistryClient;
import io.thermocline.serde.AvroDeserializer;
import io.thermocline.serde.AvroSerializer;
import io.thermocline.serde.WireFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class PageAccessBatchReaderTest {

    private static final String TOPIC = "tc.page-access";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer<PageAccessBatch> serializer = new AvroSerializer<>(registry, Map.of(), false);

    private AvroDeserializer<PageAccessBatch> deserializer(boolean exact) {
        AvroDeserializer<PageAccessBatch> d = new AvroDeserializer<>(registry, PageAccessBatch.class);
        d.configure(Map.of(), false);
        return exact ? d.withExactSchemaReader(PageAccessBatchReader::new) : d;
    }

    private static PageAccessBatch batch(SplittableRandom rnd, int entries, boolean complete) {
        long block = rnd.nextLong(1L << 40);
        List<PageAccess> list = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            list.add(new PageAccess((block << 9) + rnd.nextInt(512), rnd.nextInt(Integer.MAX_VALUE)));
        }
        AccessSource[] sources = AccessSource.values();
        long start = rnd.nextLong(1L << 45);
        return new PageAccessBatch("host-" + rnd.nextInt(1000), sources[rnd.nextInt(sources.length)],
                rnd.nextInt(-1, 8), block, 9, Instant.ofEpochMilli(start),
                Instant.ofEpochMilli(start + rnd.nextLong(1, 60_000)), rnd.nextLong(-1, 1L << 40), 1 + rnd.nextInt(64), list,
                complete);
    }

    @Test
    void decodesExactlyAsAvrosOwnReader() {
        SplittableRandom rnd = new SplittableRandom(7);
        AvroDeserializer<PageAccessBatch> exact = deserializer(true);
        AvroDeserializer<PageAccessBatch> avro = deserializer(false);
        for (int n : new int[] {0, 1, 2, 511, 512, 4096}) {
            for (boolean complete : new boolean[] {false, true}) {
                PageAccessBatch in = batch(rnd, n, complete);
                byte[] bytes = serializer.serialize(TOPIC, in);
                PageAccessBatch fast = exact.deserialize(TOPIC, bytes);
                assertInstanceOf(PackedAccesses.class, fast.getEntries());
                assertFalse(avro.deserialize(TOPIC, bytes).getEntries() instanceof PackedAccesses);
                assertEquals(avro.deserialize(TOPIC, bytes), fast);
                assertEquals(in, fast);
                // the decoded batch serializes again to the same bytes (e.g. on its way to the DLQ)
                assertArrayEquals(bytes, serializer.serialize(TOPIC, fast));
            }
        }
    }

    @Test
    void corruptBytesAreAWireFormatErrorNotAMisread() {
        byte[] bytes = serializer.serialize(TOPIC, batch(new SplittableRandom(3), 64, false));
        for (int len = 5; len < bytes.length; len += len < 40 ? 1 : 37) {
            byte[] truncated = Arrays.copyOf(bytes, len);
            WireFormatException e = assertThrows(WireFormatException.class,
                    () -> deserializer(true).deserialize(TOPIC, truncated), "length " + len);
            assertEquals(WireFormatException.Kind.CORRUPT_PAYLOAD, e.kind());
        }
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertEquals(WireFormatException.Kind.CORRUPT_PAYLOAD, assertThrows(WireFormatException.class,
                () -> deserializer(true).deserialize(TOPIC, trailing)).kind());
    }

    @Test
    void byteArrayPathDecodesAsTheDecoderPathIncludingBlockedArrays() throws Exception {
        SplittableRandom rnd = new SplittableRandom(19);
        PageAccessBatchReader reader = new PageAccessBatchReader();
        for (int round = 0; round < 200; round++) {
            PageAccessBatch in = batch(rnd, rnd.nextInt(700), rnd.nextBoolean());
            in.setHost(round % 10 == 0 ? "h\u00f6st-\u65e5" + round : in.getHost().toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // every other round: arrays written in blocks with negative counts and byte sizes, as a blocking encoder does
            Encoder enc = round % 2 == 0 ? EncoderFactory.get().binaryEncoder(out, null)
                    : EncoderFactory.get().blockingBinaryEncoder(out, null);
            new SpecificDatumWriter<>(PageAccessBatch.class).write(in, enc);
            enc.flush();
            byte[] body = out.toByteArray();
            // inside a larger array, as a ByteBuffer view hands it over
            byte[] padded = new byte[body.length + 20];
            System.arraycopy(body, 0, padded, 7, body.length);
            PageAccessBatch direct = reader.read(padded, 7, body.length);
            assertEquals(in, direct, "round " + round);
            assertEquals(reader.read(null, DecoderFactory.get().binaryDecoder(body, null)), direct);
            // cut anywhere: an IOException or an index error, never a value
            int cut = rnd.nextInt(body.length);
            assertThrows(Exception.class, () -> reader.read(padded, 7, cut), "cut at " + cut);
            assertThrows(IOException.class, () -> reader.read(padded, 7, body.length + 1), "trailing byte");
        }
    }

    @Test
    void layoutGuardRejectsAChangedSchema() {
        Schema current = PageAccessBatch.getClassSchema();
        assertTrue(PageAccessBatchReader.matches(current));
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("PageAccessBatch")
                .namespace("io.thermocline.avro.telemetry").fields();
        for (Schema.Field field : current.getFields()) {
            f = f.name(field.name()).type(field.schema()).noDefault();
        }
        Schema widened = f.name("extra").type().longType().longDefault(0).endRecord();
        assertFalse(PageAccessBatchReader.matches(widened));
        assertThrows(IllegalArgumentException.class, () -> new PageAccessBatchReader().setSchema(widened));
    }

    @Test
    void packedEntriesAreValidatedAndCountedLikeObjects() {
        PageAccessBatch objects = batch(new SplittableRandom(11), 300, false);
        PageAccessBatch packed = deserializer(true).deserialize(TOPIC, serializer.serialize(TOPIC, objects));
        assertInstanceOf(PackedAccesses.class, packed.getEntries());
        assertTrue(((PackedAccesses) packed.getEntries()).offsetsInBlock() != null, "every PFN in the block: offsets");
        assertArrayEquals(WindowCounts.empty().add(objects).toBytes(), WindowCounts.empty().add(packed).toBytes());

        PfnBlockKey key = new PfnBlockKey(objects.getHost(), objects.getBlock());
        Validators.batch(key, packed, 9);
        List<PageAccess> bad = new ArrayList<>(objects.getEntries());
        bad.set(17, new PageAccess((objects.getBlock() + 1) << 9, 1));
        objects.setEntries(bad);
        PageAccessBatch badPacked = deserializer(true).deserialize(TOPIC, serializer.serialize(TOPIC, objects));
        assertEquals(objects.getEntries(), badPacked.getEntries(), "a PFN outside the block is kept as it was sent");
        assertEquals(null, ((PackedAccesses) badPacked.getEntries()).offsetsInBlock());
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> Validators.batch(key, badPacked, 9));
        assertTrue(e.getMessage().contains("outside block"), e.getMessage());
    }

    @Test
    void packedListIsReadOnlyAndBoundsChecked() {
        PackedAccesses p = new PackedAccesses(new long[] {5, 6, 0}, new int[] {1, 2, 0}, 2);
        assertEquals(2, p.size());
        assertEquals(new PageAccess(6L, 2), p.get(1));
        assertThrows(IndexOutOfBoundsException.class, () -> p.pfn(2));
        assertThrows(UnsupportedOperationException.class, () -> p.add(new PageAccess(1L, 1)));
    }
}
