package io.thermocline.sampler.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.sampler.OwnerObservation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of the kernel interfaces against recorded-format fake files. */
class LinuxProbesTest {

    static final long PRESENT = 1L << 63;
    static final long EXCLUSIVE = 1L << 56;

    @TempDir
    Path root;

    @Test
    void nodeTopologyReadsNodesTiersHmatAndMapsPfnsToNodes() throws Exception {
        NodeTopology t = NodeTopology.read(FakeLinux.twoNodes(root));
        assertEquals(FakeLinux.BLOCK_PAGES, t.blockPages());
        assertEquals(2, t.nodes().size());
        assertFalse(t.node(0).cpuless());
        assertTrue(t.node(1).cpuless());
        assertEquals(0, t.node(0).tierRank());
        assertEquals(1, t.node(1).tierRank());
        assertEquals(54, t.node(1).tierId());
        assertEquals(300, t.node(1).readLatencyNs());
        assertEquals(5120, t.node(1).readBandwidthMBps());
        assertArrayEquals(new int[] {20, 10}, t.node(1).distances());
        assertEquals(1048576 / 4, t.node(1).totalPages());
        assertEquals(500000 / 4, t.node(0).freePages());
        assertEquals(0, t.nodeOfPfn(0));
        assertEquals(0, t.nodeOfPfn(4 * FakeLinux.BLOCK_PAGES - 1));
        assertEquals(1, t.nodeOfPfn(4 * FakeLinux.BLOCK_PAGES));
        assertEquals(-1, t.nodeOfPfn(8 * FakeLinux.BLOCK_PAGES));
        assertTrue(t.tiered());
        List<long[]> r = t.pfnRanges(1);
        assertEquals(1, r.size(), "contiguous blocks merge");
        assertArrayEquals(new long[] {4 * FakeLinux.BLOCK_PAGES, 8 * FakeLinux.BLOCK_PAGES}, r.get(0));
    }

    @Test
    void missingNodeSysfsIsNamed() throws Exception {
        MissingCapabilityException e = assertThrows(MissingCapabilityException.class,
                () -> NodeTopology.read(LinuxFs.under(root)));
        assertTrue(e.what().endsWith("devices/system/node"), e.what());
    }

    @Test
    void kernelListsParse() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 10, 11}, NodeTopology.parseList("0-3,8,10-11"));
        assertArrayEquals(new int[0], NodeTopology.parseList(""));
    }

    @Test
    void pagemapDecodesPresentPfnsAndScannerBuildsOwners() throws Exception {
        LinuxFs fs = FakeLinux.twoNodes(root);
        long va = 0x7f0000000000L;
        long pfnA = 4 * FakeLinux.BLOCK_PAGES + 7;     // node 1
        long pfnB = 100;                               // node 0
        FakeLinux.entries(fs.proc("42/pagemap"), va >>> 12, PRESENT | EXCLUSIVE | pfnA, 0L, PRESENT | pfnB);
        FakeLinux.write(fs.proc("42/maps"), "7f0000000000-7f0000003000 rw-p 00000000 00:00 0 \n"
                + "7f0000003000-7f0000004000 r-xp 00000000 08:01 1234 /usr/lib/libc.so\n");
        FakeLinux.write(fs.proc("42/comm"), "redis\n");
        FakeLinux.write(fs.proc("42/cgroup"), "0::/system.slice/redis.service\n");
        FakeLinux.entries(fs.proc("kpageflags"), pfnA, 1L << KPageFlags.ANON);
        FakeLinux.entries(fs.proc("kpageflags"), pfnB, (1L << KPageFlags.ANON) | (1L << KPageFlags.THP)
                | (1L << KPageFlags.COMPOUND_HEAD));
        FakeLinux.entries(fs.proc("kpagecount"), pfnB, 2);
        Pagemap pm = new Pagemap(fs);
        assertArrayEquals(new long[] {pfnA, -1, pfnB}, pm.pfns(42, va, 3));
        assertArrayEquals(new long[] {pfnB, pfnA}, pm.pfns(42, new long[] {va + 0x2000, va}));
        assertTrue(pm.entry(42, va + 5).exclusive());
        LinuxOwnerScanner s = new LinuxOwnerScanner(fs, NodeTopology.read(fs), pid -> pid == 42);
        List<OwnerObservation> obs = s.scanProcess(42);
        assertEquals(2, obs.size(), "the file mapping is skipped, the absent page too");
        OwnerObservation a = obs.get(0);
        assertEquals(new OwnerObservation(42, va, pfnA, "redis", "/system.slice/redis.service", false, 0, 1), a);
        OwnerObservation b = obs.get(1);
        assertEquals(9, b.folioOrder());
        assertTrue(b.shared(), "not exclusive and mapped twice");
        assertEquals(0, b.node());
        // budgeted pass: one page per step, completes after the VMA is covered
        Files.createDirectories(fs.proc("43"));
        LinuxOwnerScanner.Scan first = s.scanNext(2);
        assertEquals(2, first.scannedPages());
        assertFalse(first.passComplete());
        LinuxOwnerScanner.Scan second = s.scanNext(2);
        assertEquals(1, second.scannedPages());
        assertTrue(second.passComplete());
        assertEquals(1, second.pages().size());
    }

    @Test
    void procMapsParsesPermsAndNames() {
        List<ProcMaps.Vma> v = ProcMaps.parse(List.of(
                "55d0c000-55d2d000 rw-p 00000000 00:00 0                          [heap]",
                "7ffd1000-7ffd2000 rw-s 00000000 00:05 99 /dev/shm/x (deleted)"));
        assertTrue(v.get(0).anonymous());
        assertEquals(0x21, v.get(0).pages());
        assertFalse(v.get(1).privateMapping());
        assertEquals("/dev/shm/x (deleted)", v.get(1).path());
    }

    @Test
    void damonSysfsConfiguresPaddrStatSchemeAndReadsTriedRegions() throws Exception {
        LinuxFs fs = LinuxFs.under(root);
        Path admin = fs.sys(DamonSysfs.ADMIN);
        FakeLinux.write(admin.resolve("kdamonds/nr_kdamonds"), "0\n");
        // the fake kernel: directories the real one creates when counts are written
        Path k = admin.resolve("kdamonds/0");
        FakeLinux.write(k.resolve("state"), "off\n");
        FakeLinux.write(k.resolve("pid"), "321\n");
        FakeLinux.write(k.resolve("contexts/0/avail_operations"), "vaddr\nfvaddr\npaddr\n");
        Path tried = k.resolve("contexts/0/schemes/0/tried_regions");
        FakeLinux.write(tried.resolve("1/start"), "8192\n");
        FakeLinux.write(tried.resolve("1/end"), "16384\n");
        FakeLinux.write(tried.resolve("1/nr_accesses"), "15\n");
        FakeLinux.write(tried.resolve("1/age"), "3\n");
        FakeLinux.write(tried.resolve("0/start"), "0\n");
        FakeLinux.write(tried.resolve("0/end"), "8192\n");
        FakeLinux.write(tried.resolve("0/nr_accesses"), "0\n");
        FakeLinux.write(tried.resolve("0/age"), "9\n");
        FakeLinux.write(tried.resolve("total_bytes"), "16384\n");
        for (String d : List.of("contexts/0/monitoring_attrs/intervals", "contexts/0/monitoring_attrs/nr_regions",
                "contexts/0/targets/0/regions/0", "contexts/0/schemes/0/access_pattern/sz",
                "contexts/0/schemes/0/access_pattern/nr_accesses", "contexts/0/schemes/0/access_pattern/age")) {
            Files.createDirectories(k.resolve(d));
        }
        try (DamonSysfs d = DamonSysfs.open(fs)) {
            d.start(List.of(new long[] {0, 16384}), DamonSysfs.Attrs.DEFAULT);
            assertEquals("paddr", LinuxFs.read(k.resolve("contexts/0/operations")));
            assertEquals("stat", LinuxFs.read(k.resolve("contexts/0/schemes/0/action")));
            assertEquals("16384", LinuxFs.read(k.resolve("contexts/0/targets/0/regions/0/end")));
            assertEquals("100000", LinuxFs.read(k.resolve("contexts/0/monitoring_attrs/intervals/aggr_us")));
            List<DamonSysfs.Region> regions = d.snapshot();
            assertEquals(DamonSysfs.CMD_UPDATE_TRIED_REGIONS, LinuxFs.read(k.resolve("state")));
            assertEquals(2, regions.size());
            assertEquals(0, regions.get(0).start(), "sorted by address");
            assertEquals(15, regions.get(1).nrAccesses());
            assertEquals(15, DamonRegions.accessesOf(regions, 3));
            assertEquals(0, DamonRegions.accessesOf(regions, 1));
            assertEquals(-1, DamonRegions.accessesOf(regions, 4));
            long[] hits = new long[4];
            int n = DamonRegions.countFrames(regions, new long[] {0, 1, 2, 3, 9}, 1, (pfn, c) -> hits[(int) pfn] = c);
            assertEquals(2, n);
            assertEquals(15, hits[2]);
        }
        assertEquals("off", LinuxFs.read(k.resolve("state")));
    }

    @Test
    void runningForeignKdamondIsRefused() throws Exception {
        LinuxFs fs = LinuxFs.under(root);
        Path admin = fs.sys(DamonSysfs.ADMIN);
        FakeLinux.write(admin.resolve("kdamonds/nr_kdamonds"), "1\n");
        FakeLinux.write(admin.resolve("kdamonds/0/state"), "on\n");
        MissingCapabilityException e = assertThrows(MissingCapabilityException.class, () -> DamonSysfs.open(fs));
        assertEquals("DAMON kdamond", e.what());
    }

    @Test
    void missingInterfacesAreNamedBySamplerOpen() throws Exception {
        LinuxFs fs = FakeLinux.twoNodes(root);
        MissingCapabilityException e = assertThrows(MissingCapabilityException.class,
                () -> LinuxSamplerBackend.open("h", fs, LinuxSamplerBackend.Mode.AUTO, p -> true,
                        DamonSysfs.Attrs.DEFAULT, 1));
        assertTrue(e.what().endsWith("self/pagemap"), e.getMessage());
        FakeLinux.write(fs.proc("self/pagemap"), "");
        FakeLinux.write(fs.proc("kpageflags"), "");
        FakeLinux.write(fs.proc("kpagecount"), "");
        e = assertThrows(MissingCapabilityException.class, () -> LinuxSamplerBackend.open("h", fs,
                LinuxSamplerBackend.Mode.AUTO, p -> true, DamonSysfs.Attrs.DEFAULT, 1));
        assertTrue(e.what().endsWith("page_idle/bitmap"), e.getMessage());
        FakeLinux.write(fs.proc("self/status"), "CapEff:\t0000000000000000\n");
        e = assertThrows(MissingCapabilityException.class, () -> LinuxSamplerBackend.open("h", fs,
                LinuxSamplerBackend.Mode.AUTO, p -> true, DamonSysfs.Attrs.DEFAULT, 1));
        assertEquals("CAP_SYS_ADMIN", e.what());
    }

    @Test
    void pageIdleBackendReportsFramesAccessedSinceTheyWereMarked() throws Exception {
        LinuxFs fs = FakeLinux.twoNodes(root);
        for (String f : List.of("self/pagemap", "kpageflags", "kpagecount")) {
            FakeLinux.write(fs.proc(f), "");
        }
        Path bitmap = fs.sys(PageIdle.BITMAP);
        FakeLinux.entries(bitmap, 0, 0L, 0L, 0L, 0L);
        try (LinuxSamplerBackend b = LinuxSamplerBackend.open("h", fs, LinuxSamplerBackend.Mode.PAGE_IDLE,
                p -> true, DamonSysfs.Attrs.DEFAULT, 1)) {
            assertEquals(io.thermocline.avro.telemetry.AccessSource.PAGE_IDLE, b.source());
            long[] owned = {100, 101, 170};
            assertEquals(0, b.sampleAccesses(owned).get(0).size(), "first window only marks");
            // the kernel clears the idle bit of an accessed frame: frame 101 (word 1, bit 37)
            FakeLinux.entries(bitmap, 1, ~(1L << 37));
            var w = b.sampleAccesses(owned).get(0);
            assertArrayEquals(new long[] {101}, w.pfns());
            assertEquals(0, b.sampleAccesses(owned).get(0).size(), "re-marked: nothing accessed since");
        }
    }

    @Test
    void idleRunsMergeFramesWithinOneBitmapWord() {
        List<long[]> r = LinuxSamplerBackend.runs(new long[] {1, 2, 60, 200, 201});
        assertEquals(2, r.size());
        assertArrayEquals(new long[] {1, 61}, r.get(0));
        assertArrayEquals(new long[] {200, 202}, r.get(1));
        assertTrue(LinuxSamplerBackend.runs(new long[0]).isEmpty());
    }

    @Test
    void pageIdleBitmapMarksAndReadsWords() throws Exception {
        LinuxFs fs = LinuxFs.under(root);
        Path bitmap = fs.sys(PageIdle.BITMAP);
        FakeLinux.entries(bitmap, 0, 0L, 0L);
        PageIdle idle = PageIdle.open(fs);
        idle.markIdle(64, 64);
        // a kernel clears the bit of an accessed frame: simulate frame 70 being accessed
        FakeLinux.entries(bitmap, 1, ~(1L << (70 - 64)));
        boolean[] acc = idle.accessed(68, 4);
        assertArrayEquals(new boolean[] {false, false, true, false}, acc);
        assertTrue(idle.accessed(0, 1)[0], "word 0 was never marked idle");
    }
}
