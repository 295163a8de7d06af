package io.thermocline.sampler.linux;

import io.thermocline.sampler.OwnerObservation;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Ownership from {@code /proc/PID/maps} + {@code /proc/PID/pagemap} (VA -> PFN), {@code /proc/kpageflags}
 * (folio order) and {@code /proc/kpagecount} (sharing), over anonymous private mappings of the selected processes.
 * Work per call is bounded by a page budget and resumes where it stopped (kmmscand-style scan_size); the result
 * says when a full pass over all selected processes is complete.
 */
public final class LinuxOwnerScanner {

    /** Pages read per pagemap call. */
    static final int CHUNK_PAGES = 4096;

    /** Observations of one call; {@code passComplete} when the cursor wrapped around. */
    public record Scan(List<OwnerObservation> pages, long scannedPages, boolean passComplete) {
    }

    private final LinuxFs fs;
    private final Pagemap pagemap;
    private final KPageFlags kpf;
    private final ProcMaps maps;
    private final NodeTopology topology;
    private final IntPredicate pidFilter;
    // cursor: position in the current pass
    private List<Integer> passPids = List.of();
    private int pidIdx;
    private long nextVa;

    /** @param pidFilter which processes to track (e.g. a pid set, or a comm/cgroup match) */
    public LinuxOwnerScanner(LinuxFs fs, NodeTopology topology, IntPredicate pidFilter) {
        this.fs = fs;
        this.pagemap = new Pagemap(fs);
        this.kpf = new KPageFlags(fs);
        this.maps = new ProcMaps(fs);
        this.topology = topology;
        this.pidFilter = pidFilter;
    }

    /** All pages of one process's anonymous mappings, no budget. */
    public List<OwnerObservation> scanProcess(int pid) throws IOException {
        List<OwnerObservation> out = new ArrayList<>();
        String comm = maps.comm(pid);
        String cgroup = maps.cgroup(pid);
        for (ProcMaps.Vma vma : maps.read(pid)) {
            if (vma.anonymous() && vma.privateMapping() && vma.readable()) {
                scanRange(pid, comm, cgroup, vma.start(), vma.end(), out);
            }
        }
        return out;
    }

    /** Scans up to {@code budgetPages} virtual pages, continuing the current pass. */
    public Scan scanNext(long budgetPages) throws IOException {
        List<OwnerObservation> out = new ArrayList<>();
        long scanned = 0;
        if (pidIdx >= passPids.size()) {
            passPids = listPids();
            pidIdx = 0;
            nextVa = 0;
        }
        while (scanned < budgetPages && pidIdx < passPids.size()) {
            int pid = passPids.get(pidIdx);
            String comm = maps.comm(pid);
            List<ProcMaps.Vma> vmas;
            try {
                vmas = comm == null ? List.of() : maps.read(pid);
            } catch (NoSuchFileException e) {
                vmas = List.of();
            }
            String cgroup = maps.cgroup(pid);
            boolean finished = true;
            for (ProcMaps.Vma vma : vmas) {
                if (!(vma.anonymous() && vma.privateMapping() && vma.readable()) || vma.end() <= nextVa) {
                    continue;
                }
                long from = Math.max(vma.start(), nextVa);
                long left = budgetPages - scanned;
                long to = Math.min(vma.end(), from + (left << Pagemap.PAGE_SHIFT));
                try {
                    scanRange(pid, comm, cgroup, from, to, out);
                } catch (NoSuchFileException e) {
                    break;      // process exited mid-scan
                }
                scanned += (to - from) >>> Pagemap.PAGE_SHIFT;
                nextVa = to;
                if (to < vma.end()) {
                    finished = false;
                    break;
                }
            }
            if (finished) {
                pidIdx++;
                nextVa = 0;
            }
        }
        return new Scan(out, scanned, pidIdx >= passPids.size());
    }

    private void scanRange(int pid, String comm, String cgroup, long start, long end, List<OwnerObservation> out)
            throws IOException {
        try (KPageFlags.Reader kr = kpf.open()) {
            scanRange(pid, comm, cgroup, start, end, out, kr);
        }
    }

    private void scanRange(int pid, String comm, String cgroup, long start, long end, List<OwnerObservation> out,
                           KPageFlags.Reader kr) throws IOException {
        for (long va = start; va < end; va += (long) CHUNK_PAGES << Pagemap.PAGE_SHIFT) {
            int n = (int) Math.min(CHUNK_PAGES, (end - va) >>> Pagemap.PAGE_SHIFT);
            long[] raw = pagemap.readRaw(pid, va, n);
            long[] present = new long[n];
            int[] index = new int[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                Pagemap.Entry e = new Pagemap.Entry(raw[i]);
                if (e.present() && e.pfn() != 0) {     // PFN 0 = hidden (no CAP_SYS_ADMIN)
                    present[m] = e.pfn();
                    index[m++] = i;
                }
            }
            long[] pfns = java.util.Arrays.copyOf(present, m);
            long[] flags = kr.flags(pfns);
            for (int k = 0; k < m; k++) {
                long pfn = pfns[k];
                if (KPageFlags.has(flags[k], KPageFlags.ZERO_PAGE)) {
                    continue;      // the shared zero page is nobody's
                }
                int i = index[k];
                // exclusive (bit 56) answers sharing for anonymous pages; kpagecount only when it is unset
                boolean shared = !new Pagemap.Entry(raw[i]).exclusive() && kr.mapCount(pfn) > 1;
                int order = KPageFlags.has(flags[k], KPageFlags.THP) ? 9 : 0;
                out.add(new OwnerObservation(pid, va + ((long) i << Pagemap.PAGE_SHIFT), pfn, comm, cgroup, shared,
                        order, topology.nodeOfPfn(pfn)));
            }
        }
    }

    private List<Integer> listPids() throws IOException {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(fs.proc(),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : ds) {
                int pid = Integer.parseInt(p.getFileName().toString());
                if (pidFilter.test(pid)) {
                    pids.add(pid);
                }
            }
        }
        pids.sort(null);
        return pids;
    }
}
