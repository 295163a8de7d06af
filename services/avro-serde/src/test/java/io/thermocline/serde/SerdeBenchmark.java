package io.thermocline.serde;

import io.thermocline.registry.InMemorySchemaRegistryClient;
import io.thermocline.serde.test.SampleBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JMH-free throughput check of the serde on PageAccessBatch-shaped records: serialize only,
 * deserialize only, and serialize+deserialize, single thread, for several batch sizes. Writes JSON.
 *
 * <pre>
 * ./mvnw -B -o -pl services/avro-serde test-compile exec:java \
 *     -Dexec.args="--entries 1,64,512 --warmup-s 2 --measure-s 5 --out services/avro-serde/target/serde-bench.json"
 * </pre>
 */
public final class SerdeBenchmark {
  private static final String TOPIC = "bench";
  private static final int POOL = 256;

  private SerdeBenchmark() {}

  public static void main(String[] args) throws IOException {
    List<Integer> entries = List.of(1, 64, 512);
    double warmupS = 2;
    double measureS = 5;
    Path out = Path.of("target/serde-bench.json");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--entries" -> entries = parseList(args[++i]);
        case "--warmup-s" -> warmupS = Double.parseDouble(args[++i]);
        case "--measure-s" -> measureS = Double.parseDouble(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (--entries N,N --warmup-s S --measure-s S --out FILE)");
      }
    }
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    AvroSerializer<SampleBatch> ser = new AvroSerializer<>(registry, Map.of(), false);
    AvroDeserializer<SampleBatch> de = new AvroDeserializer<>(registry, SampleBatch.class);
    de.configure(Map.of(), false);

    StringBuilder json = new StringBuilder();
    json.append("{\n  \"benchmark\": \"avro-serde confluent wire format\",\n")
        .append("  \"java\": \"").append(System.getProperty("java.version")).append("\",\n")
        .append("  \"cpus\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n")
        .append("  \"threads\": 1,\n  \"warmup_s\": ").append(warmupS).append(",\n  \"measure_s\": ").append(measureS)
        .append(",\n  \"results\": [\n");
    for (int k = 0; k < entries.size(); k++) {
      int n = entries.get(k);
      SampleBatch[] records = new SampleBatch[POOL];
      byte[][] encoded = new byte[POOL][];
      for (int i = 0; i < POOL; i++) {
        records[i] = Samples.batch("host-" + (i % 8), i, n);
        encoded[i] = ser.serialize(TOPIC, records[i]);
      }
      long bytes = 0;
      for (byte[] b : encoded) {
        bytes += b.length;
      }
      double serRate = rate(() -> ser.serialize(TOPIC, records[idx()]), warmupS, measureS);
      double deRate = rate(() -> de.deserialize(TOPIC, encoded[idx()]), warmupS, measureS);
      double rtRate = rate(() -> de.deserialize(TOPIC, ser.serialize(TOPIC, records[idx()])), warmupS, measureS);
      String line = String.format(Locale.ROOT,
          "    {\"entries_per_record\": %d, \"bytes_per_record\": %.1f, \"serialize_records_per_s\": %.0f, "
              + "\"deserialize_records_per_s\": %.0f, \"roundtrip_records_per_s\": %.0f, \"roundtrip_samples_per_s\": %.0f}",
          n, bytes / (double) POOL, serRate, deRate, rtRate, rtRate * n);
      System.out.println(line.trim());
      json.append(line).append(k + 1 < entries.size() ? ",\n" : "\n");
    }
    json.append("  ]\n}\n");
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, json, StandardCharsets.UTF_8);
    System.out.println("wrote " + out.toAbsolutePath());
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
