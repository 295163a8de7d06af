package io.thermocline.cli.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.TierKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Replay throughput on a synthetic retained log (no broker: the replay core only): one host, {@code pages} pages of
 * which a quarter start in DRAM, a hot set of an eighth of the pages on CXL that shifts every 50 windows, 90 % of the
 * samples on it, PEBS-like batches (sample rate 8). Runs the replay twice (the first warms the JIT) and writes the
 * figures of the second as JSON.
 *
 * <pre>java -cp services/cli/target/classes:$(cat services/cli/target/cli.classpath) \
 *     io.thermocline.cli.replay.ReplayBenchmark target/replay-bench.json [pages] [windows] [samplesPerWindow]</pre>
 */
public final class ReplayBenchmark {

    private static final Instant T0 = Instant.parse("2026-11-26T06:00:00Z");
    private static final long CXL_BASE = 1 << 20;
    private static final int SAMPLE_RATE = 8;

    private ReplayBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/replay-bench.json");
        int pages = args.length > 1 ? Integer.parseInt(args[1]) : 16384;
        int windows = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int perWindow = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
        ReplayInput in = synthetic("bench", pages, windows, perWindow, 1);
        Map<String, String> overrides = Map.of("window.ms", "1000", "window.grace.ms", "0");
        ReplayResult r = null;
        double sec = 0;
        for (int run = 0; run < 2; run++) {
            long t = System.nanoTime();
            r = ReplayEngine.run(in, Map.of(), overrides, List.of(), ReplayEngine.newApplicationId(),
                    ReplayEngine.Progress.NONE);
            sec = (System.nanoTime() - t) / 1e9;
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode();
        o.put("pages", pages);
        o.put("windows", windows);
        o.put("batches", in.batchCount());
        o.put("samples", (long) windows * perWindow);
        o.put("seconds", sec);
        o.put("batchesPerSec", in.batchCount() / sec);
        o.put("samplesPerSec", (long) windows * perWindow / sec);
        o.put("windowsPerSec", windows / sec);
        o.put("whatIfMovedPages", r.whatIf().movedPages());
        o.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        o.put("loadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        o.set("actual", ReplayReport.metrics(r.actual()));
        o.set("whatIf", ReplayReport.metrics(r.whatIf()));
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        json.writeValue(out.toFile(), o);
        System.out.println(json.writeValueAsString(o));
    }

    /** The synthetic retained log described above (deterministic for a seed). */
    static ReplayInput synthetic(String host, int pages, int windows, int perWindow, long seed) {
        int dram = pages / 4;
        int hot = Math.max(1, pages / 8);
        ReplayInput in = new ReplayInput();
        Instant before = T0.minusSeconds(5);
        in.nodeStats(NodeStats.newBuilder().setHost(host).setNode(0).setTier(TierKind.DRAM).setTierRank(0)
                .setCpuless(false).setCapacityPages(dram + dram / 8).setFreePages(dram / 8).setLatencyNs(90)
                .setBandwidthMBps(38_400).setDistances(List.of(10, 20)).setTimestampMs(before).build());
        in.nodeStats(NodeStats.newBuilder().setHost(host).setNode(1).setTier(TierKind.CXL).setTierRank(1)
                .setCpuless(true).setCapacityPages(2L * pages).setFreePages(2L * pages - (pages - dram))
                .setLatencyNs(216).setBandwidthMBps(25_000).setDistances(List.of(20, 10)).setTimestampMs(before).build());
        for (int i = 0; i < pages; i++) {
            in.owner(PageOwner.newBuilder().setHost(host).setPfn(pfn(i, dram)).setPid(7)
                    .setVaddr(0x7f00_0000_0000L + i * 4096L).setComm("bench").setNode(i < dram ? 0 : 1)
                    .setUpdatedMs(before).build());
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int w = 0; w < windows; w++) {
            int hotBase = dram + (w / 50 * hot) % Math.max(1, pages - dram - hot + 1);
            TreeMap<Long, Integer> counts = new TreeMap<>();
            for (int k = 0; k < perWindow; k++) {
                int page = rnd.nextInt(10) < 9 ? hotBase + rnd.nextInt(hot) : rnd.nextInt(pages);
                counts.merge(pfn(page, dram), 1, Integer::sum);
            }
            TreeMap<Long, List<PageAccess>> byBlock = new TreeMap<>();
            counts.forEach((p, c) -> byBlock.computeIfAbsent(p >> 9, b -> new ArrayList<>()).add(new PageAccess(p, c)));
            Instant s = T0.plusMillis(w * 1000L);
            for (Map.Entry<Long, List<PageAccess>> b : byBlock.entrySet()) {
                in.batch(PageAccessBatch.newBuilder().setHost(host).setSource(AccessSource.PEBS)
                        .setNode(b.getValue().get(0).getPfn() < CXL_BASE ? 0 : 1).setBlock(b.getKey()).setBlockShift(9)
                        .setWindowStartMs(s).setWindowEndMs(s.plusMillis(1000)).setEpoch(w).setSampleRate(SAMPLE_RATE)
                        .setEntries(b.getValue()).build());
            }
        }
        return in;
    }

    private static long pfn(int page, int dram) {
        return page < dram ? 4096 + page : CXL_BASE + page;
    }
}
