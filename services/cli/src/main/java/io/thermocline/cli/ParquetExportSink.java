package io.thermocline.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * One Parquet file whose schema is the value's Avro schema (nested records, arrays, enums as Parquet
 * groups/lists/enums) plus {@code kafka_partition}, {@code kafka_offset} and {@code kafka_timestamp} columns.
 *
 * <p>Written through parquet-avro with no Hadoop at run time: a {@link LocalOutputFile}, a plain (non-Hadoop)
 * configuration, an explicit data model (else parquet-avro builds a Hadoop Configuration to look one up) and
 * {@link ParquetCodecs} instead of Hadoop's codec classes.
 */
final class ParquetExportSink implements ExportSink {

    static final String PARTITION = "kafka_partition";
    static final String OFFSET = "kafka_offset";
    static final String TIMESTAMP = "kafka_timestamp";
    /** Row group size: small enough for modest heaps, large enough for efficient scans. */
    static final int ROW_GROUP_BYTES = 64 * 1024 * 1024;

    private final Schema schema;
    private final int partitionPos;
    private final ParquetWriter<GenericRecord> writer;
    private long rows;

    ParquetExportSink(Path file, Schema valueSchema, CompressionCodecName codec) throws IOException {
        this.schema = exportSchema(valueSchema);
        this.partitionPos = valueSchema.getFields().size();
        SpecificData model = new SpecificData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        this.writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema)
                .withDataModel(model)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(ParquetCodecs.INSTANCE)
                .withCompressionCodec(codec)
                .withRowGroupSize((long) ROW_GROUP_BYTES)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .build();
    }

    /** The value's fields followed by the Kafka location columns, in a record named {@code <Value>Export}. */
    static Schema exportSchema(Schema valueSchema) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : valueSchema.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(PARTITION, Schema.create(Schema.Type.INT), "Kafka partition", null));
        fields.add(new Schema.Field(OFFSET, Schema.create(Schema.Type.LONG), "Kafka offset", null));
        fields.add(new Schema.Field(TIMESTAMP,
                LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)),
                "Kafka record timestamp", null));
        return Schema.createRecord(valueSchema.getName() + "Export", valueSchema.getDoc(),
                valueSchema.getNamespace(), false, fields);
    }

    @Override
    public void write(int partition, long offset, long timestampMs, SpecificRecord value) throws IOException {
        GenericData.Record r = new GenericData.Record(schema);
        for (int i = 0; i < partitionPos; i++) {
            r.put(i, value.get(i));
        }
        r.put(partitionPos, partition);
        r.put(partitionPos + 1, offset);
        r.put(partitionPos + 2, java.time.Instant.ofEpochMilli(timestampMs));
        writer.write(r);
        rows++;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
