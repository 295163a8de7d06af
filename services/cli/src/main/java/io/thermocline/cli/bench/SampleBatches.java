package io.thermocline.cli.bench;

import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Generates batches for {@code hosts} hosts until {@code samples} entries exist; windows advance by
     * {@code windowMs} after every host's {@code blocksPerHost} blocks were covered.
     */
    public static List<Item> generate(long samples, int hosts, int pagesPerBatch, int blocksPerHost,
                                      long windowMs, Instant start, long seed) {
        return generate(HOST_PREFIX, samples, hosts, pagesPerBatch, blocksPerHost, windowMs, start, seed);
    }

    /** As {@link #generate(long, int, int, int, long, Instant, long)} with host names {@code prefix + i}. */
    public static List<Item> generate(String hostPrefix, long samples, int hosts, int pagesPerBatch,
                                      int blocksPerHost, long windowMs, Instant start, long seed) {
        List<String> names = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            names.add(hostPrefix + h);
        }
        return generate(names, samples, pagesPerBatch, blocksPerHost, windowMs, start, seed);
    }

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

    /** Generates batches for the given hosts (see above). */
    public static List<Item> generate(List<String> hostNames, long samples, int pagesPerBatch, int blocksPerHost,
                                      long windowMs, Instant start, long seed) {
        int hosts = hostNames.size();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Item> out = new ArrayList<>((int) (samples / pagesPerBatch) + 1);
        long produced = 0;
        long window = 0;
        while (produced < samples) {
            for (int b = 0; b < blocksPerHost && produced < samples; b++) {
                for (int h = 0; h < hosts && produced < samples; h++) {
                    String host = hostNames.get(h);
                    long block = 0x1000L + b;
                    int n = (int) Math.min(pagesPerBatch, samples - produced);
                    List<PageAccess> entries = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        entries.add(new PageAccess((block << 9) + i, 1 + rnd.nextInt(64)));
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
}
