package io.thermocline.migrator.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.Arrays;

/**
 * {@code move_pages(2)} by pid + virtual address. Calls are split into batches of at most {@link #MAX_BATCH} pages.
 * The per-page status array holds the node the page is on afterwards, or a negative errno.
 * Moving another process's pages needs CAP_SYS_NICE.
 */
public final class MovePages {

    /** Pages per system call. */
    public static final int MAX_BATCH = 512;
    /** Move pages mapped only by this process (MPOL_MF_MOVE); shared pages report -EACCES. */
    public static final int MPOL_MF_MOVE = 1 << 1;
    /** Status slot value before the call: never a node id or an errno, so an untouched slot is recognisable. */
    static final int UNSET = Integer.MIN_VALUE;

    private final LinuxSyscalls sys;

    public MovePages() {
        this(LinuxSyscalls.INSTANCE);
    }

    MovePages(LinuxSyscalls sys) {
        this.sys = sys;
    }

    /**
     * Moves each page {@code vas[i]} of {@code pid} to {@code nodes[i]}.
     *
     * @return per-page status: the node the page is on after the call, or a negative errno
     * @throws LastErrorException when a whole call fails (ESRCH no such process, EPERM, ENODEV, E2BIG...)
     */
    public int[] move(int pid, long[] vas, int[] nodes) {
        if (vas.length != nodes.length) {
            throw new IllegalArgumentException("vas and nodes differ in length");
        }
        return call(pid, vas, nodes);
    }

    /** Current node of each page (move_pages with a null node array), or a negative errno (-ENOENT, -EFAULT). */
    public int[] query(int pid, long[] vas) {
        return call(pid, vas, null);
    }

    private int[] call(int pid, long[] vas, int[] nodes) {
        int[] status = new int[vas.length];
        Arrays.fill(status, UNSET);
        for (int from = 0; from < vas.length; from += MAX_BATCH) {
            int n = Math.min(MAX_BATCH, vas.length - from);
            Memory pages = new Memory((long) n * Long.BYTES);
            for (int i = 0; i < n; i++) {
                pages.setLong((long) i * Long.BYTES, vas[from + i]);
            }
            Memory nodeArr = null;
            if (nodes != null) {
                nodeArr = new Memory((long) n * Integer.BYTES);
                for (int i = 0; i < n; i++) {
                    nodeArr.setInt((long) i * Integer.BYTES, nodes[from + i]);
                }
            }
            Memory st = new Memory((long) n * Integer.BYTES);
            for (int i = 0; i < n; i++) {
                st.setInt((long) i * Integer.BYTES, UNSET);
            }
            // move_pages(pid, count, pages, nodes, status, flags); a positive return counts pages not migrated for
            // non-fatal reasons, whose status slots carry the reason
            sys.syscall(LinuxSyscalls.SYS_MOVE_PAGES, (long) pid, (long) n, pages,
                    nodeArr == null ? Pointer.NULL : nodeArr, st, (long) (nodes == null ? 0 : MPOL_MF_MOVE));
            for (int i = 0; i < n; i++) {
                status[from + i] = st.getInt((long) i * Integer.BYTES);
            }
        }
        return status;
    }
}
