package io.thermocline.sampler.linux;

import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.sampler.AccessWindow;
import io.thermocline.sampler.SamplerBackend;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Linux host: ownership from pagemap + kpageflags, accesses from DAMON (paddr, over every node's memory) or
 * from idle page tracking, nodes and tiers from sysfs. {@link #open} checks every interface and privilege first and
 * names the first one missing.
 */
public final class LinuxSamplerBackend implements SamplerBackend {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxSamplerBackend.class);

    /** Which access source to use. */
    public enum Mode { AUTO, DAMON, PAGE_IDLE }

    /** Longest frame run read or marked in one page_idle call (8 KiB of bitmap). */
    static final int MAX_IDLE_RUN = 1 << 16;

    private final String host;
    private final LinuxFs fs;
    private final LinuxOwnerScanner scanner;
    private final DamonSysfs damon;
    private final PageIdle pageIdle;
    private final int damonMinAccesses;
    private NodeTopology topology;
    private long windowStartMs;
    private long[] idleMarked = new long[0];

    private LinuxSamplerBackend(String host, LinuxFs fs, NodeTopology topology, IntPredicate pids, DamonSysfs damon,
                                PageIdle pageIdle, int damonMinAccesses) {
        this.host = host;
        this.fs = fs;
        this.topology = topology;
        this.scanner = new LinuxOwnerScanner(fs, topology, pids);
        this.damon = damon;
        this.pageIdle = pageIdle;
        this.damonMinAccesses = damonMinAccesses;
        this.windowStartMs = System.currentTimeMillis();
    }

    /**
     * Checks CAP_SYS_ADMIN (PFNs, kpageflags, DAMON), pagemap, kpageflags, node sysfs and the access source, then
     * starts DAMON over all node memory if that is the source.
     */
    public static LinuxSamplerBackend open(String host, LinuxFs fs, Mode mode, IntPredicate pids,
                                           DamonSysfs.Attrs attrs, int damonMinAccesses)
            throws IOException, MissingCapabilityException {
        Capabilities caps = Capabilities.read(fs);
        caps.require("the sampler (PFNs in pagemap, kpageflags, DAMON sysfs)", Capabilities.CAP_SYS_ADMIN);
        caps.warnWithoutPtrace(LOG, "the sampler");
        for (String f : List.of("self/pagemap", "kpageflags", "kpagecount")) {
            if (!java.nio.file.Files.isReadable(fs.proc(f))) {
                throw new MissingCapabilityException(fs.proc(f).toString(),
                        "not readable (kernel without CONFIG_PROC_PAGE_MONITOR, or no CAP_SYS_ADMIN)");
            }
        }
        NodeTopology topo = NodeTopology.read(fs);
        DamonSysfs damon = null;
        PageIdle idle = null;
        if (mode == Mode.DAMON || (mode == Mode.AUTO && java.nio.file.Files.isDirectory(fs.sys(DamonSysfs.ADMIN)))) {
            damon = DamonSysfs.open(fs);
            List<long[]> ranges = new ArrayList<>();
            for (NodeTopology.Node n : topo.nodes()) {
                for (long[] r : topo.pfnRanges(n.id())) {
                    ranges.add(new long[] {r[0] << Pagemap.PAGE_SHIFT, r[1] << Pagemap.PAGE_SHIFT});
                }
            }
            damon.start(ranges, attrs);
        } else if (mode == Mode.PAGE_IDLE || mode == Mode.AUTO) {
            idle = PageIdle.open(fs);
        }
        if (damon == null && idle == null) {
            throw new MissingCapabilityException("access source",
                    "neither DAMON sysfs nor /sys/kernel/mm/page_idle/bitmap is available");
        }
        LOG.info("linux sampler for host {}: access source {}, {} nodes, tiered={}", host,
                damon != null ? "DAMON paddr" : "page_idle", topo.nodes().size(), topo.tiered());
        return new LinuxSamplerBackend(host, fs, topo, pids, damon, idle, damonMinAccesses);
    }

    public AccessSource source() {
        return damon != null ? AccessSource.DAMON : AccessSource.PAGE_IDLE;
    }

    @Override
    public OwnerScan scanOwners(long budgetPages) throws IOException {
        LinuxOwnerScanner.Scan s = scanner.scanNext(budgetPages);
        return new OwnerScan(s.pages(), s.scannedPages(), s.passComplete());
    }

    @Override
    public List<AccessWindow> sampleAccesses(long[] ownedPfns) throws IOException {
        long now = System.currentTimeMillis();
        long start = windowStartMs;
        windowStartMs = now;
        if (damon != null) {
            List<DamonSysfs.Region> regions = damon.snapshot();
            long[] pfns = new long[ownedPfns.length];
            int[] counts = new int[ownedPfns.length];
            int[] n = {0};
            DamonRegions.countFrames(regions, ownedPfns, damonMinAccesses, (pfn, c) -> {
                pfns[n[0]] = pfn;
                counts[n[0]++] = c;
            });
            return List.of(new AccessWindow(AccessSource.DAMON, start, now, -1, 1,
                    java.util.Arrays.copyOf(pfns, n[0]), java.util.Arrays.copyOf(counts, n[0])));
        }
        // page_idle: frames marked idle last time and no longer idle were accessed in between; then re-mark.
        // Frames are handled in runs (gaps under one 64-frame bitmap word) so a run costs one pread/pwrite.
        List<Long> hitList = new ArrayList<>();
        for (long[] run : runs(idleMarked)) {
            boolean[] acc = pageIdle.accessed(run[0], (int) (run[1] - run[0]));
            for (int i = java.util.Arrays.binarySearch(idleMarked, run[0]); i >= 0 && i < idleMarked.length
                    && idleMarked[i] < run[1]; i++) {
                if (acc[(int) (idleMarked[i] - run[0])]) {
                    hitList.add(idleMarked[i]);
                }
            }
        }
        for (long[] run : runs(ownedPfns)) {
            pageIdle.markIdle(run[0], run[1] - run[0]);
        }
        idleMarked = ownedPfns.clone();
        long[] pfns = hitList.stream().mapToLong(Long::longValue).toArray();
        int[] counts = new int[pfns.length];
        java.util.Arrays.fill(counts, 1);
        return List.of(new AccessWindow(AccessSource.PAGE_IDLE, start, now, -1, 1, pfns, counts));
    }

    /** [start, end) frame runs covering sorted frames, split where the gap exceeds one bitmap word or a run is long. */
    static List<long[]> runs(long[] sortedPfns) {
        List<long[]> out = new ArrayList<>();
        for (long pfn : sortedPfns) {
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && pfn - last[1] < PageIdle.PFNS_PER_WORD && pfn + 1 - last[0] <= MAX_IDLE_RUN) {
                last[1] = pfn + 1;
            } else {
                out.add(new long[] {pfn, pfn + 1});
            }
        }
        return out;
    }

    @Override
    public List<NodeStats> nodeStats(long nowMs) throws IOException, MissingCapabilityException {
        topology = NodeTopology.read(fs);
        List<NodeStats> out = new ArrayList<>();
        for (NodeTopology.Node n : topology.nodes()) {
            TierKind kind = n.tierRank() == 0 || (n.tierRank() < 0 && !n.cpuless()) ? TierKind.DRAM
                    : n.cpuless() ? TierKind.CXL : TierKind.UNKNOWN;
            List<Integer> dist = new ArrayList<>();
            for (int d : n.distances()) {
                dist.add(d);
            }
            out.add(new NodeStats(host, n.id(), kind, Math.max(0, n.tierRank()), n.cpuless(), n.totalPages(),
                    n.freePages(), n.readLatencyNs(), n.readBandwidthMBps(), dist, Instant.ofEpochMilli(nowMs)));
        }
        return out;
    }

    @Override
    public int nodeOfPfn(long pfn) {
        return topology.nodeOfPfn(pfn);
    }

    @Override
    public void close() throws IOException {
        if (damon != null) {
            damon.close();
        }
    }
}
