package io.thermocline.emulator;

import java.util.Arrays;

/**
 * A process of an emulated host. Its pages occupy a contiguous range of the machine's page slots
 * ({@code slotBase .. slotBase + pages - 1}); slot order is VA order. The address space is either dense
 * (page i at {@code vaBase + i * 4096}) or sparse (an explicit sorted list of page addresses, e.g. a trace).
 */
public final class EmuProcess {
    private final int pid;
    private final String name;
    private final int slotBase;
    private final int pages;
    private final long vaBase;     // dense only
    private final long[] vas;      // sparse only (sorted, page aligned), else null
    private final boolean thp;

    EmuProcess(int pid, String name, int slotBase, int pages, long vaBase, long[] vas, boolean thp) {
        this.pid = pid;
        this.name = name;
        this.slotBase = slotBase;
        this.pages = pages;
        this.vaBase = vaBase;
        this.vas = vas;
        this.thp = thp;
    }

    public int pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    /** First machine slot of this process. */
    public int slotBase() {
        return slotBase;
    }

    public int pages() {
        return pages;
    }

    /** Whether first touch may allocate 2 MiB folios (dense address spaces only). */
    public boolean thp() {
        return thp;
    }

    public boolean dense() {
        return vas == null;
    }

    /** Virtual address of the i-th page (0-based within the process). */
    public long vaOf(int pageIndex) {
        return vas == null ? vaBase + ((long) pageIndex << Machine.PAGE_SHIFT) : vas[pageIndex];
    }

    /** Page index of a virtual address (any address inside the page), or -1 if the process has no such page. */
    public int pageIndexOf(long va) {
        long page = va & ~((1L << Machine.PAGE_SHIFT) - 1);
        if (vas == null) {
            long idx = (page - vaBase) >> Machine.PAGE_SHIFT;
            return page >= vaBase && idx < pages ? (int) idx : -1;
        }
        int i = Arrays.binarySearch(vas, page);
        return i >= 0 ? i : -1;
    }

    @Override
    public String toString() {
        return "process " + pid + " (" + name + ", " + pages + " pages)";
    }
}
