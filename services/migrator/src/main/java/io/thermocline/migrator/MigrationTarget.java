package io.thermocline.migrator;

import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.telemetry.TierKind;
import java.util.List;

/**
 * The machine a migrator acts on: a real Linux host ({@code move_pages(2)}) or an emulated one. All addressing is by
 * pid + virtual address; PFNs are only read, to detect stale decisions and to report moves.
 */
public interface MigrationTarget {

    /** Current frame of (pid, va), -1 when the page is not present or the process is gone. */
    long resolve(int pid, long vaddr);

    /** Current frames of many pages of one process (one pass where the target can), -1 for absent pages. */
    default long[] resolve(int pid, long[] vaddrs) {
        long[] out = new long[vaddrs.length];
        for (int i = 0; i < vaddrs.length; i++) {
            out[i] = resolve(pid, vaddrs[i]);
        }
        return out;
    }

    /** Node owning a frame, -1 when unknown. */
    int nodeOfPfn(long pfn);

    boolean hasNode(int node);

    /** Tier kind of a node (for pins that name a tier). */
    TierKind tierOf(int node);

    /** Command name and cgroup of a process (pin selectors), or null when the process is gone. */
    ProcessInfo process(int pid);

    /** Moves pages; returns one outcome per request, in order. Implementations batch as they see fit. */
    List<MoveOutcome> move(List<MoveRequest> requests);

    /** Process identity used by pin selectors. */
    record ProcessInfo(int pid, String comm, String cgroup) {
    }

    /** Move one page (folioOrder 0) or the folio headed by {@code vaddr} to {@code toNode}. */
    record MoveRequest(int pid, long vaddr, int folioOrder, int toNode) {
        public int pages() {
            return 1 << folioOrder;
        }
    }

    /**
     * What happened to one request.
     *
     * @param newPfn  frame after the move (MOVED only), else -1
     * @param errno   kernel per-page status for failures (negative errno), 0 otherwise
     */
    record MoveOutcome(MigrationStatus status, long newPfn, int newNode, int errno, String detail) {
        public static MoveOutcome moved(long newPfn, int newNode) {
            return new MoveOutcome(MigrationStatus.MOVED, newPfn, newNode, 0, null);
        }

        public static MoveOutcome failed(MigrationStatus status, int errno, String detail) {
            return new MoveOutcome(status, -1, -1, errno, detail);
        }
    }
}
