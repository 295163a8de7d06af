package io.thermocline.emulator;

import java.util.Arrays;

/**
 * Free-frame allocator of one node: a bitmap over the node's PFN range plus a free count per 2 MiB block so
 * order-9 (folio) allocations find a fully free, aligned block quickly. Deterministic: base pages come from
 * the lowest free frame at or after a roving cursor, huge blocks from the lowest fully free block.
 */
public final class FrameAllocator {
    private final long basePfn;
    private final int capacity;
    private final long[] used;        // bit set = frame allocated
    private final int[] blockFree;    // free frames per 512-frame block (relative to basePfn)
    private int free;
    private int cursorWord;           // next word to search for base-page allocation

    /** @param basePfn first frame of the node, must be 512-aligned so node blocks are physical 2 MiB blocks */
    public FrameAllocator(long basePfn, int capacity) {
        if (basePfn % Machine.FOLIO_PAGES != 0) throw new IllegalArgumentException("base pfn must be 512-aligned");
        this.basePfn = basePfn;
        this.capacity = capacity;
        this.used = new long[(capacity + 63) >>> 6];
        int blocks = (capacity + Machine.FOLIO_PAGES - 1) / Machine.FOLIO_PAGES;
        this.blockFree = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            blockFree[b] = Math.min(Machine.FOLIO_PAGES, capacity - b * Machine.FOLIO_PAGES);
        }
        // bits past capacity in the last word are marked used so they are never handed out
        int tail = capacity & 63;
        if (tail != 0) used[used.length - 1] = -1L << tail;
        this.free = capacity;
    }

    private FrameAllocator(FrameAllocator o) {
        this.basePfn = o.basePfn;
        this.capacity = o.capacity;
        this.used = o.used.clone();
        this.blockFree = o.blockFree.clone();
        this.free = o.free;
        this.cursorWord = o.cursorWord;
    }

    public FrameAllocator copy() {
        return new FrameAllocator(this);
    }

    public long basePfn() {
        return basePfn;
    }

    public int capacity() {
        return capacity;
    }

    public int free() {
        return free;
    }

    public boolean contains(long pfn) {
        return pfn >= basePfn && pfn < basePfn + capacity;
    }

    public boolean isFree(long pfn) {
        int off = (int) (pfn - basePfn);
        return (used[off >>> 6] & (1L << (off & 63))) == 0;
    }

    /** Allocates one 4 KiB frame, or returns -1 when the node is full. */
    public long allocate() {
        if (free == 0) return -1;
        int words = used.length;
        for (int n = 0; n < words; n++) {
            int w = cursorWord + n;
            if (w >= words) w -= words;
            long bits = used[w];
            if (bits != -1L) {
                int bit = Long.numberOfTrailingZeros(~bits);
                used[w] = bits | (1L << bit);
                cursorWord = w;
                int off = (w << 6) + bit;
                blockFree[off >>> Machine.FOLIO_ORDER]--;
                free--;
                return basePfn + off;
            }
        }
        throw new IllegalStateException("free count " + free + " but no free bit");
    }

    /** Allocates 512 contiguous frames starting at a 512-aligned PFN, or returns -1 if no block is fully free. */
    public long allocateFolio() {
        if (free < Machine.FOLIO_PAGES) return -1;
        for (int b = 0; b < blockFree.length; b++) {
            if (blockFree[b] == Machine.FOLIO_PAGES) {
                int off = b << Machine.FOLIO_ORDER;
                Arrays.fill(used, off >>> 6, (off + Machine.FOLIO_PAGES) >>> 6, -1L);
                blockFree[b] = 0;
                free -= Machine.FOLIO_PAGES;
                return basePfn + off;
            }
        }
        return -1;
    }

    /** Frees one frame; fails loudly on a double free. */
    public void release(long pfn) {
        int off = (int) (pfn - basePfn);
        if (off < 0 || off >= capacity) throw new IllegalArgumentException("pfn " + pfn + " not on this node");
        long mask = 1L << (off & 63);
        if ((used[off >>> 6] & mask) == 0) throw new IllegalStateException("double free of pfn " + pfn);
        used[off >>> 6] &= ~mask;
        blockFree[off >>> Machine.FOLIO_ORDER]++;
        free++;
    }
}
