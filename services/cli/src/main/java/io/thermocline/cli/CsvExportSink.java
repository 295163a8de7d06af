package io.thermocline.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Flat CSV (RFC 4180, header row): nested records become dotted columns ({@code selector.pid}); the first
 * array of records in the value (PageAccessBatch's {@code entries}) is exploded into one row per element
 * ({@code entries.pfn}, {@code entries.count}), an empty array giving one row with empty element columns;
 * arrays of scalars are joined with ';'; other arrays and maps are written as Avro JSON text; bytes as base64;
 * timestamps as epoch milliseconds (the schemas' field names say Ms). Kafka's partition, offset and record
 * timestamp come first.
 */
final class CsvExportSink implements ExportSink {

    static final String ARRAY_SEPARATOR = ";";
    static final List<String> META_COLUMNS = List.of("kafka_partition", "kafka_offset", "kafka_timestamp");

    /** One output column: a path of field positions through nested records. */
    private record Column(String name, int[] path) {
        Object get(IndexedRecord root) {
            Object v = root;
            for (int pos : path) {
                if (v == null) {
                    return null;
                }
                v = ((IndexedRecord) v).get(pos);
            }
            return v;
        }
    }

    private final BufferedWriter out;
    private final List<Column> columns = new ArrayList<>();
    /** Position of the exploded array field in the value, or -1. */
    private final int explodedField;
    private final List<Column> elementColumns = new ArrayList<>();
    private long rows;

    CsvExportSink(Path file, Schema valueSchema) throws IOException {
        int exploded = -1;
        for (Schema.Field f : valueSchema.getFields()) {
            Schema s = nonNull(f.schema());
            if (exploded < 0 && s.getType() == Schema.Type.ARRAY
                    && nonNull(s.getElementType()).getType() == Schema.Type.RECORD) {
                exploded = f.pos();
                plan(nonNull(s.getElementType()), f.name() + ".", new int[0], elementColumns);
            } else {
                plan(f, "", new int[0], columns);
            }
        }
        this.explodedField = exploded;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        List<String> header = new ArrayList<>(META_COLUMNS);
        columns.forEach(c -> header.add(c.name()));
        elementColumns.forEach(c -> header.add(c.name()));
        writeLine(header);
    }

    private static void plan(Schema record, String prefix, int[] path, List<Column> into) {
        for (Schema.Field f : record.getFields()) {
            plan(f, prefix, path, into);
        }
    }

    private static void plan(Schema.Field f, String prefix, int[] path, List<Column> into) {
        int[] p = java.util.Arrays.copyOf(path, path.length + 1);
        p[path.length] = f.pos();
        Schema s = nonNull(f.schema());
        if (s.getType() == Schema.Type.RECORD) {
            plan(s, prefix + f.name() + ".", p, into);
        } else {
            into.add(new Column(prefix + f.name(), p));
        }
    }

    /** The non-null branch of a ["null", X] union, else the schema itself. */
    static Schema nonNull(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            List<Schema> branches = s.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
            if (branches.size() == 1) {
                return branches.get(0);
            }
        }
        return s;
    }

    @Override
    public void write(int partition, long offset, long timestampMs, SpecificRecord value) throws IOException {
        List<String> base = new ArrayList<>(META_COLUMNS.size() + columns.size() + elementColumns.size());
        base.add(Integer.toString(partition));
        base.add(Long.toString(offset));
        base.add(Long.toString(timestampMs));
        for (Column c : columns) {
            base.add(format(c.get(value)));
        }
        if (explodedField < 0) {
            writeLine(base);
            return;
        }
        Collection<?> elements = (Collection<?>) value.get(explodedField);
        if (elements == null || elements.isEmpty()) {
            for (int i = 0; i < elementColumns.size(); i++) {
                base.add("");
            }
            writeLine(base);
            return;
        }
        int baseSize = base.size();
        for (Object element : elements) {
            while (base.size() > baseSize) {
                base.remove(base.size() - 1);
            }
            for (Column c : elementColumns) {
                base.add(format(element == null ? null : c.get((IndexedRecord) element)));
            }
            writeLine(base);
        }
    }

    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Instant i) {
            return Long.toString(i.toEpochMilli());
        }
        if (v instanceof ByteBuffer b) {
            ByteBuffer d = b.duplicate();
            byte[] bytes = new byte[d.remaining()];
            d.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof Collection<?> c && c.stream().noneMatch(e -> e instanceof IndexedRecord
                || e instanceof Collection || e instanceof Map)) {
            List<String> parts = new ArrayList<>(c.size());
            c.forEach(e -> parts.add(format(e)));
            return String.join(ARRAY_SEPARATOR, parts);
        }
        return v.toString();
    }

    private void writeLine(List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(escape(cells.get(i)));
        }
        out.write("\r\n");
        rows++;
    }

    /** RFC 4180: quote cells holding a comma, quote or line break; double inner quotes. */
    static String escape(String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }

    @Override
    public long rows() {
        return rows - 1; // header
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
