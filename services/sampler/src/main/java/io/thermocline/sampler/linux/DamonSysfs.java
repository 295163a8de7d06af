package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one kdamond through the DAMON sysfs interface ({@code /sys/kernel/mm/damon/admin}, Documentation/
 * admin-guide/mm/damon/usage.rst) with {@code paddr} operations: physical address ranges are monitored and a
 * {@code stat} scheme (matches every region, acts on none) exposes the current regions with their access counts
 * through {@code update_schemes_tried_regions}. Needs root.
 */
public final class DamonSysfs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DamonSysfs.class);
    static final String ADMIN = "kernel/mm/damon/admin";
    static final String OPS_PADDR = "paddr";
    static final String ACTION_STAT = "stat";
    static final String STATE_ON = "on";
    static final String STATE_OFF = "off";
    static final String CMD_UPDATE_TRIED_REGIONS = "update_schemes_tried_regions";
    static final String CMD_CLEAR_TRIED_REGIONS = "clear_schemes_tried_regions";
    static final String ULONG_MAX = "18446744073709551615";
    static final String UINT_MAX = "4294967295";
    /** The tried-regions directory can read empty if the update raced with a DAMON region rebuild: retry. */
    static final int SNAPSHOT_ATTEMPTS = 3;

    /** Monitoring attributes: sampling, aggregation and region-update intervals, region count bounds. */
    public record Attrs(long sampleUs, long aggrUs, long updateUs, int minRegions, int maxRegions) {
        public static final Attrs DEFAULT = new Attrs(5_000, 100_000, 1_000_000, 10, 1000);

        public Attrs {
            if (sampleUs <= 0 || aggrUs < sampleUs || updateUs < aggrUs) {
                throw new IllegalArgumentException("need 0 < sampleUs <= aggrUs <= updateUs: " + this);
            }
            if (minRegions < 3 || maxRegions < minRegions) {
                throw new IllegalArgumentException("need 3 <= minRegions <= maxRegions: " + this);
            }
        }

        /** Most samples one aggregation interval holds: the ceiling of a region's nr_accesses. */
        public int maxAccesses() {
            return (int) (aggrUs / sampleUs);
        }
    }

    /** A monitored region: physical byte addresses {@code [start, end)}, accesses per aggregation, age. */
    public record Region(long start, long end, int nrAccesses, int age) {
        public long startPfn() {
            return start >>> Pagemap.PAGE_SHIFT;
        }

        public long endPfn() {
            return (end + Pagemap.PAGE_SIZE - 1) >>> Pagemap.PAGE_SHIFT;
        }

        public boolean containsPfn(long pfn) {
            return pfn >= startPfn() && pfn < endPfn();
        }
    }

    private final Path admin;
    private final Path kdamond;
    private Attrs attrs;
    private boolean running;

    private DamonSysfs(Path admin) {
        this.admin = admin;
        this.kdamond = admin.resolve("kdamonds/0");
    }

    /** Checks that DAMON sysfs with paddr is usable and no other tool runs a kdamond. */
    public static DamonSysfs open(LinuxFs fs) throws IOException, MissingCapabilityException {
        Path admin = fs.sys(ADMIN);
        if (!Files.isDirectory(admin)) {
            throw new MissingCapabilityException(admin.toString(),
                    "DAMON sysfs interface absent (kernel without CONFIG_DAMON_SYSFS)");
        }
        Path nr = admin.resolve("kdamonds/nr_kdamonds");
        if (!Files.isWritable(nr)) {
            throw new MissingCapabilityException("root", nr + " is not writable: DAMON control needs root");
        }
        int existing = Integer.parseInt(LinuxFs.read(nr));
        for (int i = 0; i < existing; i++) {
            String state = LinuxFs.read(admin.resolve("kdamonds/" + i + "/state"));
            if (STATE_ON.equals(state)) {
                throw new MissingCapabilityException("DAMON kdamond",
                        "kdamond " + i + " is already running (another DAMON user); refusing to take it over");
            }
        }
        return new DamonSysfs(admin);
    }

    /**
     * Configures kdamond 0 (paddr, one target holding the given physical byte ranges, a stat scheme) and starts it.
     */
    public void start(List<long[]> physRanges, Attrs a) throws IOException, MissingCapabilityException {
        if (physRanges.isEmpty()) {
            throw new IllegalArgumentException("no physical ranges to monitor");
        }
        LinuxFs.write(admin.resolve("kdamonds/nr_kdamonds"), "1");
        LinuxFs.write(kdamond.resolve("contexts/nr_contexts"), "1");
        Path ctx = kdamond.resolve("contexts/0");
        Path avail = ctx.resolve("avail_operations");
        if (Files.exists(avail) && !List.of(LinuxFs.read(avail).split("\\s+")).contains(OPS_PADDR)) {
            throw new MissingCapabilityException("DAMON paddr operations",
                    "avail_operations is '" + LinuxFs.read(avail) + "' (kernel without CONFIG_DAMON_PADDR)");
        }
        LinuxFs.write(ctx.resolve("operations"), OPS_PADDR);
        Path attrsDir = ctx.resolve("monitoring_attrs");
        LinuxFs.write(attrsDir.resolve("intervals/sample_us"), Long.toString(a.sampleUs()));
        LinuxFs.write(attrsDir.resolve("intervals/aggr_us"), Long.toString(a.aggrUs()));
        LinuxFs.write(attrsDir.resolve("intervals/update_us"), Long.toString(a.updateUs()));
        LinuxFs.write(attrsDir.resolve("nr_regions/max"), Integer.toString(a.maxRegions()));
        LinuxFs.write(attrsDir.resolve("nr_regions/min"), Integer.toString(a.minRegions()));
        LinuxFs.write(ctx.resolve("targets/nr_targets"), "1");
        Path regions = ctx.resolve("targets/0/regions");
        List<long[]> sorted = new ArrayList<>(physRanges);
        sorted.sort(Comparator.comparingLong(r -> r[0]));
        LinuxFs.write(regions.resolve("nr_regions"), Integer.toString(sorted.size()));
        for (int i = 0; i < sorted.size(); i++) {
            LinuxFs.write(regions.resolve(i + "/start"), Long.toUnsignedString(sorted.get(i)[0]));
            LinuxFs.write(regions.resolve(i + "/end"), Long.toUnsignedString(sorted.get(i)[1]));
        }
        LinuxFs.write(ctx.resolve("schemes/nr_schemes"), "1");
        Path scheme = ctx.resolve("schemes/0");
        LinuxFs.write(scheme.resolve("action"), ACTION_STAT);
        Path pattern = scheme.resolve("access_pattern");
        LinuxFs.write(pattern.resolve("sz/max"), ULONG_MAX);
        LinuxFs.write(pattern.resolve("sz/min"), "0");
        LinuxFs.write(pattern.resolve("nr_accesses/max"), UINT_MAX);
        LinuxFs.write(pattern.resolve("nr_accesses/min"), "0");
        LinuxFs.write(pattern.resolve("age/max"), UINT_MAX);
        LinuxFs.write(pattern.resolve("age/min"), "0");
        LinuxFs.write(kdamond.resolve("state"), STATE_ON);
        this.attrs = a;
        this.running = true;
        LOG.info("kdamond started: paddr, {} range(s), sample {} us, aggr {} us, pid {}", sorted.size(),
                a.sampleUs(), a.aggrUs(), kdamondPid());
    }

    public Attrs attrs() {
        return attrs;
    }

    public boolean running() {
        return running;
    }

    public int kdamondPid() throws IOException {
        return Integer.parseInt(LinuxFs.read(kdamond.resolve("pid")));
    }

    /**
     * Current regions: asks the kdamond to refresh the scheme's tried regions (the write returns once the kdamond
     * applied the scheme at its next aggregation) and reads them.
     */
    public List<Region> snapshot() throws IOException {
        if (!running) {
            throw new IllegalStateException("kdamond not started");
        }
        List<Region> out = List.of();
        for (int attempt = 0; attempt < SNAPSHOT_ATTEMPTS && out.isEmpty(); attempt++) {
            LinuxFs.write(kdamond.resolve("state"), CMD_UPDATE_TRIED_REGIONS);
            out = readTriedRegions();
        }
        return out;
    }

    private List<Region> readTriedRegions() throws IOException {
        Path tried = kdamond.resolve("contexts/0/schemes/0/tried_regions");
        List<Region> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tried, p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path r : ds) {
                out.add(new Region(Long.parseUnsignedLong(LinuxFs.read(r.resolve("start"))),
                        Long.parseUnsignedLong(LinuxFs.read(r.resolve("end"))),
                        Integer.parseInt(LinuxFs.read(r.resolve("nr_accesses"))),
                        Integer.parseInt(LinuxFs.read(r.resolve("age")))));
            }
        }
        out.sort(Comparator.comparingLong(Region::start));
        return out;
    }

    public void stop() throws IOException {
        if (running) {
            running = false;
            LinuxFs.write(kdamond.resolve("state"), STATE_OFF);
            LOG.info("kdamond stopped");
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
