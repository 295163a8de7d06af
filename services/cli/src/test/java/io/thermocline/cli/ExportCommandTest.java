package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.PageAccessBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Flag validation and the two file formats; no broker. */
class ExportCommandTest {

    @Test
    void unknownTopicListsTheCatalogue(@TempDir Path dir) {
        CliRun r = CliRun.run("export", "--bootstrap-servers=127.0.0.1:1", "--topic", "tc.nope", "--format", "csv",
                "--out", dir.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unknown topic 'tc.nope'") && r.err().contains("tc.page-access"), r.toString());
    }

    @Test
    void badFormatAndBadCountsAreUsageErrors(@TempDir Path dir) {
        CliRun f = CliRun.run("export", "--topic", "tc.page-access", "--format", "xlsx", "--out", dir.toString());
        assertEquals(2, f.exitCode(), f.toString());
        assertTrue(f.err().contains("--format"), f.toString());
        CliRun m = CliRun.run("export", "--topic", "tc.page-access", "--format", "csv", "--out", dir.toString(),
                "--max-records", "0");
        assertEquals(2, m.exitCode(), m.toString());
        assertTrue(m.err().contains("--max-records must be positive"), m.toString());
        CliRun missing = CliRun.run("export", "--format", "csv", "--out", dir.toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("--topic"), missing.toString());
    }

    @Test
    void csvExplodesEntriesIntoOneRowEach(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("batches.csv");
        try (CsvExportSink sink = new CsvExportSink(file, PageAccessBatch.getClassSchema())) {
            for (int b = 0; b < 4; b++) {
                sink.write(b % 2, 100 + b, 1_000 + b, ExportSamples.batch("h1", b));
            }
            assertEquals(ExportSamples.entries(4), sink.rows());
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals("kafka_partition,kafka_offset,kafka_timestamp,host,source,node,block,blockShift,windowStartMs,"
                + "windowEndMs,epoch,sampleRate,windowComplete,entries.pfn,entries.count", lines.get(0));
        assertEquals(1 + ExportSamples.entries(4), lines.size());
        long t0 = ExportSamples.T0.toEpochMilli();
        // batch 3, entry 2: pfn 3*512+2, count 32
        assertTrue(lines.contains("1,103,1003,h1,EMULATOR,1,3,9," + (t0 + 3000) + "," + (t0 + 4000) + ",3,1,false,1538,32"),
                String.join("\n", lines));
    }

    @Test
    void csvFlattensNestedRecordsAndQuotes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pins.csv");
        try (CsvExportSink sink = new CsvExportSink(file, PolicyPin.getClassSchema())) {
            sink.write(0, 7, 9, ExportSamples.pin("p1"));
        }
        String csv = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("kafka_partition,kafka_offset,kafka_timestamp,pinId,host,selector.cgroup,"
                + "selector.pid,selector.comm,selector.vaStart,selector.vaEnd,wantedTier,wantedNode,reason,"
                + "createdMs,expiresMs\r\n"), csv);
        assertTrue(csv.contains("0,7,9,p1,\"h, \"\"quoted\"\"\",,,redis,,,DRAM,,\"line1\nline2\","
                + ExportSamples.T0.toEpochMilli() + ",\r\n"), csv);
    }

    @ParameterizedTest
    @EnumSource(ExportCommand.Compression.class)
    void parquetRoundTripsThroughParquetAvro(ExportCommand.Compression compression, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("batches.parquet");
        try (ParquetExportSink sink = new ParquetExportSink(file, PageAccessBatch.getClassSchema(),
                compression.codec)) {
            for (int b = 0; b < 50; b++) {
                sink.write(b % 3, b, 5_000 + b, ExportSamples.batch("host-" + (b % 2), b));
            }
        }
        List<GenericRecord> rows = readParquet(file);
        assertEquals(50, rows.size());
        GenericRecord r = rows.get(7);
        assertEquals("host-1", r.get("host").toString());
        assertEquals("EMULATOR", r.get("source").toString());
        assertEquals(7L, r.get("block"));
        assertEquals(ExportSamples.T0.plusSeconds(7).toEpochMilli(), r.get("windowStartMs"));
        assertEquals(1, r.get("kafka_partition"));
        assertEquals(7L, r.get("kafka_offset"));
        assertEquals(5_007L, r.get("kafka_timestamp"));
        List<?> entries = (List<?>) r.get("entries");
        assertEquals(8, entries.size());
        GenericRecord e = (GenericRecord) entries.get(7);
        assertEquals(7L * 512 + 7, e.get("pfn"));
        assertEquals(77, e.get("count"));
        CompressionCodecName written = org.apache.parquet.hadoop.ParquetFileReader.open(new LocalInputFile(file))
                .getFooter().getBlocks().get(0).getColumns().get(0).getCodec();
        assertEquals(compression.codec, written);
    }

    @Test
    void parquetKeepsNullableNestedFields(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pins.parquet");
        try (ParquetExportSink sink = new ParquetExportSink(file, PolicyPin.getClassSchema(),
                CompressionCodecName.SNAPPY)) {
            sink.write(0, 1, 2, ExportSamples.pin("p1"));
        }
        GenericRecord r = readParquet(file).get(0);
        GenericRecord selector = (GenericRecord) r.get("selector");
        assertEquals("redis", selector.get("comm").toString());
        assertNull(selector.get("pid"));
        assertEquals("DRAM", r.get("wantedTier").toString());
        assertNull(r.get("expiresMs"));
        assertFalse(r.getSchema().getField("kafka_offset") == null);
    }

    static List<GenericRecord> readParquet(Path file) throws Exception {
        List<GenericRecord> out = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader
                .<GenericRecord>builder(new LocalInputFile(file), new PlainParquetConfiguration())
                .withDataModel(GenericData.get()).build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                out.add(r);
            }
        }
        return out;
    }
}
