package io.thermocline.cli.bench;

import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.TierKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sampler-shaped load for benchmarks: one {@link PageAccessBatch} per (host, PFN block, window) with
 * {@code pagesPerBatch} (pfn, count) entries, as the samplers publish them. A "sample" is one entry.
 */
public final class SampleBatches {

    /** One generated key/value pair. */
    public record Item(PfnBlockKey key, PageAccessBatch value) {
    }

    private SampleBatches() {
    }

    /** Host names of the generated load: not those of any emulated fleet, whose clocks run elsewhere. */
    public static final String HOST_PREFIX = "bench-host-";

    /** Host names {@code prefix + k} chosen so that {@code partitions} partitions get the same number of hosts. */
    public static List<String> balancedHosts(String prefix, int hosts, int partitions) {
        int[] per = new int[partitions];
        int cap = (hosts + partitions - 1) / partitions;
        List<String> out = new ArrayList<>();
        for (int k = 0; out.size() < hosts; k++) {
            String name = prefix + k;
            int p = io.thermocline.topics.HostPartitioning.partition(name, partitions);
            if (per[p] < cap) {
                per[p]++;
                out.add(name);
            }
        }
        return out;
    }

    /**
     * Generates batches for the given hosts until {@code samples} entries exist; windows advance by
     * {@code windowMs} after every host's {@code blocksPerHost} blocks were covered. Block {@code b} lives on node
     * {@code b % 2} (0 = DRAM, 1 = CXL).
     *
     * <p>{@code churn} sets how the pages' counts move from window to window. {@code churn >= 1}: every count is
     * drawn afresh (uniform 1..64) every window, so the hot set is a new random half of the pages each time - the
     * decision storm, when every page has an owner. {@code churn < 1}: a steady workload already placed - pages
     * of DRAM blocks hot (counts 24..63), pages of CXL blocks cold (1..3) - where each window a {@code churn}
     * fraction of the CXL pages starts a {@value #BURST_WINDOWS}-window hot burst and as many DRAM pages turn
     * cold for as long (the access stream moved from one page to another), which is what a tiering policy
     * exists to follow.
     */
    public static List<Item> generate(List<String> hostNames, long samples, int pagesPerBatch, int blocksPerHost,
                                      long windowMs, Instant start, long seed, double churn) {
        if (!(churn >= 0)) {
            throw new IllegalArgumentException("churn must be >= 0, got " + churn);
        }
        int hosts = hostNames.size();
        SplittableRandom rnd = new SplittableRandom(seed);
        int perHost = blocksPerHost * pagesPerBatch;
        // window index until which a page's burst lasts (exclusive), per host and page index b * pagesPerBatch + i
        long[][] burstUntil = new long[hosts][perHost];
        int fastBlocks = (blocksPerHost + 1) / 2;
        int slowBlocks = blocksPerHost / 2;
        List<Item> out = new ArrayList<>((int) (samples / pagesPerBatch) + 1);
        long produced = 0;
        long window = 0;
        while (produced < samples) {
            if (churn < 1 && window > 0) {
                for (int h = 0; h < hosts; h++) {
                    startBursts(rnd, burstUntil[h], window, slowBlocks, 1, pagesPerBatch, churn);
                    startBursts(rnd, burstUntil[h], window, fastBlocks, 0, pagesPerBatch, churn);
                }
            }
            for (int b = 0; b < blocksPerHost && produced < samples; b++) {
                for (int h = 0; h < hosts && produced < samples; h++) {
                    String host = hostNames.get(h);
                    long block = FIRST_BLOCK + b;
                    int n = (int) Math.min(pagesPerBatch, samples - produced);
                    List<PageAccess> entries = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        int count;
                        if (churn >= 1) {
                            count = 1 + rnd.nextInt(64);
                        } else {
                            boolean hot = (b % 2 == 0) != (burstUntil[h][b * pagesPerBatch + i] > window);
                            count = hot ? 24 + rnd.nextInt(40) : 1 + rnd.nextInt(3);
                        }
                        entries.add(new PageAccess((block << 9) + i, count));
                    }
                    Instant ws = start.plusMillis(window * windowMs);
                    out.add(new Item(new PfnBlockKey(host, block), PageAccessBatch.newBuilder()
                            .setHost(host).setSource(AccessSource.EMULATOR).setNode(b % 2).setBlock(block)
                            .setWindowStartMs(ws).setWindowEndMs(ws.plusMillis(windowMs)).setEpoch(window)
                            .setEntries(entries).build()));
                    produced += n;
                }
            }
            window++;
        }
        return out;
    }

    /** Length of a churn burst, in windows: long enough to pass the promotion hysteresis, short of a re-decision. */
    public static final int BURST_WINDOWS = 4;

    /** Starts bursts on {@code churn} of the pages of the blocks with {@code b % 2 == parity} that have none. */
    private static void startBursts(SplittableRandom rnd, long[] burstUntil, long window, int blocks, int parity,
                                    int pagesPerBatch, double churn) {
        long pages = (long) blocks * pagesPerBatch;
        if (pages == 0) {
            return;
        }
        // fractional expectations carry: 0.5% of 1,000 pages is 5 pages every window, not 0 or 10
        long k = (long) Math.floor(churn * pages + rnd.nextDouble());
        for (long j = 0; j < k; j++) {
            int b = 2 * rnd.nextInt(blocks) + parity;
            int idx = b * pagesPerBatch + rnd.nextInt(pagesPerBatch);
            if (burstUntil[idx] <= window) {
                burstUntil[idx] = window + BURST_WINDOWS;
            }
        }
    }

    /** First PFN block of every generated host; block {@code b} holds PFNs {@code (FIRST_BLOCK + b) << 9 ...}. */
    static final long FIRST_BLOCK = 0x1000L;

    /**
     * An owner (pid + VA) for every page the generated batches name, so that stage 1 has candidates and stage 2
     * decides: even blocks on node 0 (DRAM), odd ones on node 1 (CXL), as the batches say.
     */
    public static List<Map.Entry<PfnKey, PageOwner>> owners(List<String> hostNames, int pagesPerBatch,
                                                            int blocksPerHost, Instant at) {
        List<Map.Entry<PfnKey, PageOwner>> out = new ArrayList<>(hostNames.size() * blocksPerHost * pagesPerBatch);
        for (String host : hostNames) {
            for (int b = 0; b < blocksPerHost; b++) {
                long block = FIRST_BLOCK + b;
                for (int i = 0; i < pagesPerBatch; i++) {
                    long pfn = (block << 9) + i;
                    out.add(Map.entry(new PfnKey(host, pfn), PageOwner.newBuilder().setHost(host).setPfn(pfn)
                            .setPid(4242).setVaddr(0x7f00_0000_0000L + ((long) b * pagesPerBatch + i) * 4096)
                            .setComm("bench").setNode(b % 2).setUpdatedMs(at).build()));
                }
            }
        }
        return out;
    }

    /** Two nodes per host: DRAM (node 0) holding the even blocks with 5% free, CXL (node 1) half free. */
    public static List<Map.Entry<NodeKey, NodeStats>> nodes(List<String> hostNames, int pagesPerBatch,
                                                            int blocksPerHost, Instant at) {
        long pages = (long) pagesPerBatch * blocksPerHost;
        List<Map.Entry<NodeKey, NodeStats>> out = new ArrayList<>();
        for (String host : hostNames) {
            long dram = pages / 2 + pages / 40;
            out.add(Map.entry(new NodeKey(host, 0), NodeStats.newBuilder().setHost(host).setNode(0)
                    .setTier(TierKind.DRAM).setTierRank(0).setCapacityPages(dram).setFreePages(pages / 40)
                    .setDistances(List.of(10, 20)).setTimestampMs(at).build()));
            out.add(Map.entry(new NodeKey(host, 1), NodeStats.newBuilder().setHost(host).setNode(1)
                    .setTier(TierKind.CXL).setTierRank(1).setCpuless(true).setCapacityPages(pages)
                    .setFreePages(pages / 2).setDistances(List.of(20, 10)).setTimestampMs(at).build()));
        }
        return out;
    }
}
