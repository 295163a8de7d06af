package io.thermocline.migrator.kernel;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.thermocline.migrator.linux.LinuxSyscalls;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The test process of the real-kernel IT, run inside the QEMU guest: maps anonymous memory bound to node 1 (the
 * CPU-less, slower tier), touches every page once, then keeps rewriting a hot subset forever. Writes
 * {@code pid va pages hotPages} to the ready file once the memory is in place.
 *
 * <p>Usage: {@code GuestWorkload <readyFile> <pages> <hotPages> <node>}
 */
public final class GuestWorkload {

    static final int PROT_READ_WRITE = 0x1 | 0x2;
    static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    static final int MADV_NOHUGEPAGE = 15;
    static final long MPOL_BIND = 2;
    static final long PAGE = 4096;

    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

        int madvise(Pointer addr, long length, int advice);
    }

    private GuestWorkload() {
    }

    public static void main(String[] args) throws Exception {
        Path ready = Path.of(args[0]);
        int pages = Integer.parseInt(args[1]);
        int hot = Integer.parseInt(args[2]);
        int node = Integer.parseInt(args[3]);
        long len = pages * PAGE;
        Pointer p = C.INSTANCE.mmap(null, len, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
        long va = Pointer.nativeValue(p);
        if (va == -1L) {
            throw new IllegalStateException("mmap failed: errno " + Native.getLastError());
        }
        C.INSTANCE.madvise(p, len, MADV_NOHUGEPAGE);
        Memory mask = new Memory(8);
        mask.setLong(0, 1L << node);
        // mbind(addr, len, MPOL_BIND, nodemask, maxnode, flags): first touch allocates on `node`
        LinuxSyscalls.INSTANCE.syscall(LinuxSyscalls.SYS_MBIND, p, len, MPOL_BIND, mask, 64L, 0L);
        ByteBuffer buf = p.getByteBuffer(0, len);
        for (int i = 0; i < pages; i++) {
            buf.putLong((int) (i * PAGE), i);
        }
        long pid = ProcessHandle.current().pid();
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, pid + " " + va + " " + pages + " " + hot + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("TC-WORKLOAD pid=" + pid + " va=0x" + Long.toHexString(va) + " pages=" + pages
                + " hot=" + hot);
        long round = 0;
        while (true) {
            round++;
            for (int i = 0; i < hot; i++) {
                buf.putLong((int) (i * PAGE + 8), round);
            }
        }
    }
}
