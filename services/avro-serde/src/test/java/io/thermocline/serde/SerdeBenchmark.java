package io.thermocline.serde;

import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.registry.InMemorySchemaRegistryClient;
import io.thermocline.serde.test.SampleBatch;
import java.time.Instant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;

/**
 * JMH-free throughput check of the serde: serialize only, deserialize only, and
 * serialize+deserialize, single thread, for several batch sizes (entries = samples per record), on
 * the project's PageAccessBatch (thermocline-schemas) and/or the test-local SampleBatch. Writes JSON.
 *
 * <pre>
 * ./mvnw -B -o -pl services/avro-serde test-compile exec:java \
 *     -Dexec.args="--records page-access-batch --entries 1,64,512 --warmup-s 2 --measure-s 5 --out services/avro-serde/target/serde-bench.json"
 * </pre>
 */
public final class SerdeBenchmark {
  private static final String TOPIC = "bench";
  private static final int POOL = 256;

  private SerdeBenchmark() {}

  public static void main(String[] args) throws IOException {
    List<Integer> entries = List.of(1, 64, 512);
    List<String> kinds = List.of("page-access-batch");
    double warmupS = 2;
    double measureS = 5;
    Path out = Path.of("target/serde-bench.json");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--entries" -> entries = parseList(args[++i]);
        case "--records" -> kinds = List.of(args[++i].split(","));
        case "--warmup-s" -> warmupS = Double.parseDouble(args[++i]);
        case "--measure-s" -> measureS = Double.parseDouble(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (--records page-access-batch,sample-batch --entries N,N --warmup-s S --measure-s S --out FILE)");
      }
    }
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    StringBuilder json = new StringBuilder();
    json.append("{\n  \"benchmark\": \"avro-serde confluent wire format\",\n")
        .append("  \"java\": \"").append(System.getProperty("java.version")).append("\",\n")
        .append("  \"cpus\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n")
        .append("  \"threads\": 1,\n  \"warmup_s\": ").append(warmupS).append(",\n  \"measure_s\": ").append(measureS)
        .append(",\n  \"results\": [\n");
    List<String> lines = new ArrayList<>();
    for (String kind : kinds) {
      for (int n : entries) {
        String line = switch (kind) {
          case "page-access-batch" -> measure(registry, kind, PageAccessBatch.class, SerdeBenchmark::pageAccessBatch, n,
              warmupS, measureS);
          case "sample-batch" -> measure(registry, kind, SampleBatch.class, (i, e) -> Samples.batch("host-" + (i % 8), i, e),
              n, warmupS, measureS);
          default -> throw new IllegalArgumentException("unknown record kind " + kind);
        };
        System.out.println(line.trim());
        lines.add(line);
      }
    }
    json.append(String.join(",\n", lines)).append('\n');
    json.append("  ]\n}\n");
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, json, StandardCharsets.UTF_8);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  private static <T extends SpecificRecord> String measure(InMemorySchemaRegistryClient registry, String kind,
      Class<T> type, BiFunction<Integer, Integer, T> make, int n, double warmupS, double measureS) {
    String topic = TOPIC + "-" + kind;
    AvroSerializer<T> ser = new AvroSerializer<>(registry, Map.of(), false);
    AvroDeserializer<T> de = new AvroDeserializer<>(registry, type);
    de.configure(Map.of(), false);
    List<T> records = new ArrayList<>(POOL);
    byte[][] encoded = new byte[POOL][];
    long bytes = 0;
    for (int i = 0; i < POOL; i++) {
      records.add(make.apply(i, n));
      encoded[i] = ser.serialize(topic, records.get(i));
      bytes += encoded[i].length;
    }
    double serRate = rate(() -> ser.serialize(topic, records.get(idx())), warmupS, measureS);
    double deRate = rate(() -> de.deserialize(topic, encoded[idx()]), warmupS, measureS);
    double rtRate = rate(() -> de.deserialize(topic, ser.serialize(topic, records.get(idx()))), warmupS, measureS);
    return String.format(Locale.ROOT,
        "    {\"record\": \"%s\", \"entries_per_record\": %d, \"bytes_per_record\": %.1f, \"serialize_records_per_s\": %.0f, "
            + "\"deserialize_records_per_s\": %.0f, \"roundtrip_records_per_s\": %.0f, \"roundtrip_samples_per_s\": %.0f}",
        kind, n, bytes / (double) POOL, serRate, deRate, rtRate, rtRate * n);
  }

  /** A PageAccessBatch of {@code n} entries for block {@code i}, as a sampler would send it. */
  static PageAccessBatch pageAccessBatch(int i, int n) {
    List<PageAccess> list = new ArrayList<>(n);
    long block = 1_000_000L + i;
    for (int p = 0; p < n; p++) {
      list.add(new PageAccess((block << 9) + p, 1 + (p * 7919) % 1000));
    }
    Instant start = Instant.ofEpochMilli(1_700_000_000_000L + 1000L * i);
    return PageAccessBatch.newBuilder().setHost("host-" + (i % 8)).setSource(AccessSource.PEBS).setNode(i % 2)
        .setBlock(block).setBlockShift(9).setWindowStartMs(start).setWindowEndMs(start.plusMillis(1000)).setEpoch(i)
        .setSampleRate(97).setEntries(list).build();
  }

  private static int counter;

  private static int idx() {
    counter = (counter + 1) & (POOL - 1);
    return counter;
  }

  /** Operations per second of {@code op} over {@code measureS}, after {@code warmupS} of warm-up. */
  private static double rate(Runnable op, double warmupS, double measureS) {
    run(op, warmupS);
    return run(op, measureS);
  }

  private static double run(Runnable op, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long ops = 0;
    long start = System.nanoTime();
    long now;
    do {
      for (int i = 0; i < 64; i++) {
        op.run();
      }
      ops += 64;
      now = System.nanoTime();
    } while (now < deadline);
    return ops / ((now - start) / 1e9);
  }

  private static List<Integer> parseList(String s) {
    List<Integer> out = new ArrayList<>();
    for (String p : s.split(",")) {
      out.add(Integer.parseInt(p.trim()));
    }
    return out;
  }
}
