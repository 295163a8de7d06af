package io.thermocline.migrator.linux;

import com.sun.jna.LastErrorException;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.migrator.MigrationTarget;
import io.thermocline.sampler.linux.Capabilities;
import io.thermocline.sampler.linux.LinuxFs;
import io.thermocline.sampler.linux.MissingCapabilityException;
import io.thermocline.sampler.linux.NodeTopology;
import io.thermocline.sampler.linux.Pagemap;
import io.thermocline.sampler.linux.ProcMaps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Linux host: PFNs from {@code /proc/PID/pagemap}, nodes from sysfs, moves with {@code move_pages(2)} by
 * pid + VA in batches of at most 512 pages per call. Needs CAP_SYS_ADMIN (PFNs) and CAP_SYS_NICE (other processes).
 */
public final class LinuxMigrationTarget implements MigrationTarget {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxMigrationTarget.class);

    private final LinuxFs fs;
    private final Pagemap pagemap;
    private final ProcMaps maps;
    private final MovePages movePages;
    private volatile NodeTopology topology;

    public LinuxMigrationTarget(LinuxFs fs, MovePages movePages) throws IOException, MissingCapabilityException {
        this.fs = fs;
        this.pagemap = new Pagemap(fs);
        this.maps = new ProcMaps(fs);
        this.movePages = movePages;
        this.topology = NodeTopology.read(fs);
    }

    /** Checks privileges and interfaces; the exception names what is missing. */
    public static LinuxMigrationTarget open(LinuxFs fs) throws IOException, MissingCapabilityException {
        Capabilities caps = Capabilities.read(fs);
        caps.require("the migrator (pagemap PFNs, move_pages of other processes)",
                Capabilities.CAP_SYS_ADMIN, Capabilities.CAP_SYS_NICE);
        caps.warnWithoutPtrace(LOG, "the migrator");
        if (!java.nio.file.Files.isReadable(fs.proc("self/pagemap"))) {
            throw new MissingCapabilityException(fs.proc("self/pagemap").toString(),
                    "pagemap absent (kernel without CONFIG_PROC_PAGE_MONITOR)");
        }
        MovePages mp;
        try {
            mp = new MovePages();
        } catch (UnsatisfiedLinkError e) {
            throw new MissingCapabilityException("libc via JNA", e.getMessage());
        }
        return new LinuxMigrationTarget(fs, mp);
    }

    public NodeTopology topology() {
        return topology;
    }

    /** Re-reads node sysfs (free pages change; memory can be hot-plugged). */
    public void refreshTopology() throws IOException, MissingCapabilityException {
        topology = NodeTopology.read(fs);
    }

    @Override
    public long resolve(int pid, long vaddr) {
        try {
            return pagemap.pfn(pid, vaddr);
        } catch (IOException e) {
            return -1;     // process gone or address outside its mappings
        }
    }

    /** One pagemap open per call; reads each page's entry with its own pread (VAs may be far apart). */
    @Override
    public long[] resolve(int pid, long[] vaddrs) {
        try {
            return pagemap.pfns(pid, vaddrs);
        } catch (IOException e) {
            long[] none = new long[vaddrs.length];
            java.util.Arrays.fill(none, -1);
            return none;
        }
    }

    @Override
    public int nodeOfPfn(long pfn) {
        return pfn < 0 ? -1 : topology.nodeOfPfn(pfn);
    }

    @Override
    public boolean hasNode(int node) {
        return topology.hasNode(node);
    }

    @Override
    public TierKind tierOf(int node) {
        if (!topology.hasNode(node)) {
            return TierKind.UNKNOWN;
        }
        NodeTopology.Node n = topology.node(node);
        if (n.tierRank() == 0 || (n.tierRank() < 0 && !n.cpuless())) {
            return TierKind.DRAM;
        }
        return n.cpuless() ? TierKind.CXL : TierKind.UNKNOWN;
    }

    @Override
    public ProcessInfo process(int pid) {
        String comm = maps.comm(pid);
        return comm == null ? null : new ProcessInfo(pid, comm, maps.cgroup(pid));
    }

    @Override
    public List<MoveOutcome> move(List<MoveRequest> requests) {
        // one move_pages call sequence per pid (the syscall takes one pid)
        Map<Integer, List<Integer>> byPid = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            byPid.computeIfAbsent(requests.get(i).pid(), p -> new ArrayList<>()).add(i);
        }
        MoveOutcome[] out = new MoveOutcome[requests.size()];
        for (Map.Entry<Integer, List<Integer>> e : byPid.entrySet()) {
            int pid = e.getKey();
            List<Integer> idx = e.getValue();
            int total = idx.stream().mapToInt(i -> requests.get(i).pages()).sum();
            long[] vas = new long[total];
            int[] nodes = new int[total];
            int k = 0;
            for (int i : idx) {
                MoveRequest r = requests.get(i);
                for (int p = 0; p < r.pages(); p++) {
                    vas[k] = r.vaddr() + ((long) p << Pagemap.PAGE_SHIFT);
                    nodes[k++] = r.toNode();
                }
            }
            int[] status;
            try {
                status = movePages.move(pid, vas, nodes);
            } catch (LastErrorException ex) {
                int errno = ex.getErrorCode();
                MigrationStatus st = errno == Errno.ESRCH ? MigrationStatus.NOT_PRESENT : MigrationStatus.FAILED;
                for (int i : idx) {
                    out[i] = MoveOutcome.failed(st, -errno, "move_pages failed: " + Errno.name(errno));
                }
                LOG.warn("move_pages(pid {}) failed: {}", pid, Errno.name(errno));
                continue;
            }
            long[] heads = idx.stream().mapToLong(i -> requests.get(i).vaddr()).toArray();
            long[] newPfns = resolve(pid, heads);
            k = 0;
            for (int n = 0; n < idx.size(); n++) {
                MoveRequest r = requests.get(idx.get(n));
                int head = status[k];
                // a folio moves as one: report the head page's outcome
                k += r.pages();
                out[idx.get(n)] = outcome(r, head, newPfns[n]);
            }
        }
        return List.of(out);
    }

    private MoveOutcome outcome(MoveRequest r, int status, long newPfn) {
        if (status == MovePages.UNSET) {
            // move_pages stopped early (returned a count of pages not migrated): transient failure
            return MoveOutcome.failed(MigrationStatus.BUSY, -Errno.EBUSY,
                    "not migrated (move_pages returned a positive count of failed pages)");
        }
        if (status >= 0) {
            if (status != r.toNode()) {
                return MoveOutcome.failed(MigrationStatus.FAILED, 0,
                        "page on node " + status + " after move_pages, asked for " + r.toNode());
            }
            return MoveOutcome.moved(newPfn, status);
        }
        int errno = -status;
        MigrationStatus st = switch (errno) {
            case Errno.ENOENT, Errno.EFAULT -> MigrationStatus.NOT_PRESENT;
            case Errno.EBUSY -> MigrationStatus.BUSY;
            case Errno.ENOMEM -> MigrationStatus.NO_CAPACITY;
            default -> MigrationStatus.FAILED;
        };
        return MoveOutcome.failed(st, status, "move_pages status " + Errno.name(errno));
    }
}
