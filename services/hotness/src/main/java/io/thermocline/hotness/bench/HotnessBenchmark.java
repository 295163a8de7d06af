package io.thermocline.hotness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.RegistrySerdes;
import io.thermocline.hotness.StreamsProperties;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.topics.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Benchmark main (not a test): samples per second through the real topology (TopologyTestDriver, no broker:
 * validation, by-host repartition with Avro wire-format serdes, RocksDB window aggregate, stage-1 fold,
 * stage-2 decisions) fed with pre-serialized 512-entry PageAccessBatch records, and the RocksDB bytes per
 * tracked page of the stage-1 heat store. Writes JSON to {@code target/bench/hotness-bench.json} (or args[0]).
 * Args: [out] [pages] [windows] [rocksdb|in_memory]. TopologyTestDriver commits (and so flushes every
 * RocksDB store) after each record, which a deployment does once per commit interval; the in_memory run
 * shows the topology's own cost without that.
 */
public final class HotnessBenchmark {

    private static final long WINDOW_MS = 1000;
    private static final int SHIFT = 9;
    private static final int BLOCK = 1 << SHIFT;
    private static final String HOST = "bench-host";
    private static final int WARMUP_WINDOWS = 3;

    private HotnessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/hotness-bench.json");
        int pages = args.length > 1 ? Integer.parseInt(args[1]) : 262_144;
        int windows = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path stateDir = Files.createTempDirectory("hotness-bench");
        Map<String, Object> props = new HashMap<>();
        props.put(HotnessConfig.APPLICATION_ID, "hotness-bench");
        props.put(HotnessConfig.STATE_DIR, stateDir.toString());
        props.put(HotnessConfig.WINDOW_MS, WINDOW_MS);
        props.put(HotnessConfig.WINDOW_GRACE_MS, 0L);
        props.put(HotnessConfig.PARTITIONS, 1);
        props.put(HotnessConfig.HTTP_PORT, 0);
        String storeType = args.length > 3 ? args[3] : HotnessConfig.STORE_ROCKSDB;
        props.put(HotnessConfig.STORE_TYPE, storeType);
        HotnessConfig config = new HotnessConfig(props);
        RegistrySerdes serdes = RegistrySerdes.inMemory("bench");
        TopologyTestDriver driver = new TopologyTestDriver(
                HotnessTopology.build(new StreamsBuilder(), config, serdes).build(), StreamsProperties.of(config, serdes),
                Instant.ofEpochMilli(0));
        TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(Topics.PAGE_ACCESS.name(),
                new ByteArraySerializer(), new ByteArraySerializer());
        TestInputTopic<NodeKey, NodeStats> nodes = driver.createInputTopic(Topics.NODE_STATS.name(),
                Topics.NODE_STATS.keySerde(serdes).serializer(), Topics.NODE_STATS.valueSerde(serdes).serializer());
        TestInputTopic<PfnKey, PageOwner> owners = driver.createInputTopic(Topics.PAGE_OWNERS.name(),
                Topics.PAGE_OWNERS.keySerde(serdes).serializer(), Topics.PAGE_OWNERS.valueSerde(serdes).serializer());
        Serializer<PfnBlockKey> keySer = Topics.PAGE_ACCESS.keySerde(serdes).serializer();
        Serializer<PageAccessBatch> valSer = Topics.PAGE_ACCESS.valueSerde(serdes).serializer();

        // a host whose memory is 1/4 DRAM (node 0), 3/4 CXL (node 1); every page owned
        long dramPages = pages / 4;
        nodes.pipeInput(new NodeKey(HOST, 0), node(0, TierKind.DRAM, 0, dramPages, dramPages / 20), 0L);
        nodes.pipeInput(new NodeKey(HOST, 1), node(1, TierKind.CXL, 1, pages, pages / 2), 0L);
        long t0 = System.nanoTime();
        for (long pfn = 0; pfn < pages; pfn++) {
            owners.pipeInput(new PfnKey(HOST, pfn), PageOwner.newBuilder().setHost(HOST).setPfn(pfn).setPid(4242)
                    .setVaddr(0x7f00_0000_0000L + pfn * 4096).setNode(pfn < dramPages ? 0 : 1)
                    .setUpdatedMs(Instant.ofEpochMilli(0)).build(), 0L);
        }
        double ownerSeconds = (System.nanoTime() - t0) / 1e9;

        // pre-serialized batches: one per block per window, every page sampled with a skewed count
        int blocks = pages / BLOCK;
        SplittableRandom rnd = new SplittableRandom(7);
        List<byte[][]> records = new ArrayList<>();
        long samplesPerWindow = 0;
        for (int w = 0; w < WARMUP_WINDOWS + windows; w++) {
            long t = (w + 1) * WINDOW_MS;
            for (int b = 0; b < blocks; b++) {
                List<PageAccess> entries = new ArrayList<>(BLOCK);
                for (int o = 0; o < BLOCK; o++) {
                    int c = 1 + (rnd.nextInt(100) < 10 ? rnd.nextInt(1000) : rnd.nextInt(4));
                    entries.add(new PageAccess(((long) b << SHIFT) + o, c));
                    if (w == 0) {
                        samplesPerWindow += 1;
                    }
                }
                PfnBlockKey k = new PfnBlockKey(HOST, (long) b);
                PageAccessBatch v = PageAccessBatch.newBuilder().setHost(HOST).setSource(AccessSource.PEBS)
                        .setNode(b < blocks / 4 ? 0 : 1).setBlock(b).setBlockShift(SHIFT)
                        .setWindowStartMs(Instant.ofEpochMilli(t)).setWindowEndMs(Instant.ofEpochMilli(t + WINDOW_MS))
                        .setEpoch(w).setEntries(entries).build();
                records.add(new byte[][] {keySer.serialize(Topics.PAGE_ACCESS.name(), k),
                    valSer.serialize(Topics.PAGE_ACCESS.name(), v), longBytes(t)});
            }
        }

        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        int warmupRecords = WARMUP_WINDOWS * blocks;
        long wallStart = 0;
        long cpuStart = 0;
        for (int i = 0; i < records.size(); i++) {
            if (i == warmupRecords) {
                wallStart = System.nanoTime();
                cpuStart = tmx.getCurrentThreadCpuTime();
            }
            byte[][] r = records.get(i);
            raw.pipeInput(r[0], r[1], bytesLong(r[2]));
        }
        long last = (WARMUP_WINDOWS + windows + 1) * WINDOW_MS;
        raw.pipeInput(records.get(0)[0], records.get(0)[1], last); // closes the last measured window
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double cpu = (tmx.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        long samples = samplesPerWindow * windows;

        // state per tracked page: logical value bytes now, RocksDB files after the store is flushed on close
        KeyValueStore<Bytes, byte[]> heat = driver.getKeyValueStore(HotnessTopology.HEAT_STORE);
        long tracked = 0;
        long valueBytes = 0;
        long keyBytes = 0;
        try (KeyValueIterator<Bytes, byte[]> it = heat.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                tracked += BlockState.fromBytes(kv.value).size();
                valueBytes += kv.value.length;
                keyBytes += kv.key.get().length;
            }
        }
        // the driver's commits flushed the memtables: SST files as they are (not compacted: overwrites included)
        long heatFiles = dirBytes(stateDir, HotnessTopology.HEAT_STORE);
        long ownerFiles = dirBytes(stateDir, HotnessTopology.OWNER_STORE);
        driver.close();

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("what", "samples/s through HotnessTopology in TopologyTestDriver (one thread, no broker), 512-entry batches");
        json.put("storeType", storeType);
        json.put("pages", pages);
        json.put("blocks", blocks);
        json.put("measuredWindows", windows);
        json.put("samples", samples);
        json.put("records", (long) windows * blocks);
        json.put("wallSeconds", wall);
        json.put("cpuSeconds", cpu);
        json.put("samplesPerSecondWall", samples / wall);
        json.put("samplesPerSecondCpu", samples / cpu);
        json.put("trackedPages", tracked);
        json.put("heatStoreValueBytesPerPage", (double) valueBytes / tracked);
        json.put("heatStoreKeyAndValueBytesPerPage", (double) (valueBytes + keyBytes) / tracked);
        json.put("heatStoreRocksDbFileBytes", heatFiles);
        json.put("heatStoreRocksDbBytesPerPage", (double) heatFiles / tracked);
        json.put("ownerStoreRocksDbBytesPerPage", (double) ownerFiles / tracked);
        json.put("ownerPublishSeconds", ownerSeconds);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        deleteTree(stateDir);
    }

    private static NodeStats node(int id, TierKind tier, int rank, long cap, long free) {
        return NodeStats.newBuilder().setHost(HOST).setNode(id).setTier(tier).setTierRank(rank).setCapacityPages(cap)
                .setFreePages(free).setDistances(List.of(10, 20)).setTimestampMs(Instant.ofEpochMilli(0)).build();
    }

    private static byte[] longBytes(long v) {
        return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    private static long bytesLong(byte[] b) {
        return java.nio.ByteBuffer.wrap(b).getLong();
    }

    /** Bytes of the RocksDB files (SST, WAL, manifest) of one store. */
    private static long dirBytes(Path root, String store) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().contains("/rocksdb/" + store + "/") && Files.isRegularFile(p))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
