package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a fake /proc + /sys tree: a 2-node machine with HMAT tiers, 128 MiB memory blocks. */
final class FakeLinux {

    static final long BLOCK_PAGES = 32768;     // 128 MiB

    private FakeLinux() {
    }

    static void write(Path p, String s) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, s);
    }

    static LinuxFs twoNodes(Path root) throws IOException {
        LinuxFs fs = LinuxFs.under(root);
        write(fs.sys("devices/system/memory/block_size_bytes"), "8000000\n");
        write(fs.sys("devices/system/node/node0/cpulist"), "0-1\n");
        write(fs.sys("devices/system/node/node1/cpulist"), "\n");
        write(fs.sys("devices/system/node/node0/distance"), "10 20\n");
        write(fs.sys("devices/system/node/node1/distance"), "20 10\n");
        write(fs.sys("devices/system/node/node0/meminfo"),
                "Node 0 MemTotal:        1015808 kB\nNode 0 MemFree:          500000 kB\n");
        write(fs.sys("devices/system/node/node1/meminfo"),
                "Node 1 MemTotal:        1048576 kB\nNode 1 MemFree:         1000000 kB\n");
        write(fs.sys("devices/system/node/node0/access0/initiators/read_latency"), "100\n");
        write(fs.sys("devices/system/node/node1/access0/initiators/read_latency"), "300\n");
        write(fs.sys("devices/system/node/node1/access0/initiators/read_bandwidth"), "5120\n");
        for (int b = 0; b < 8; b++) {
            Files.createDirectories(fs.sys("devices/system/node/node" + (b < 4 ? 0 : 1) + "/memory" + b));
        }
        write(fs.sys("devices/virtual/memory_tiering/memory_tier4/nodelist"), "0\n");
        write(fs.sys("devices/virtual/memory_tiering/memory_tier54/nodelist"), "1\n");
        write(fs.proc("self/status"), "Name:\tjava\nCapEff:\t000001ffffffffff\n");
        return fs;
    }

    /** Writes 64-bit little-endian entries at {@code index} of a pagemap/kpageflags-style file. */
    static void entries(Path file, long index, long... values) throws IOException {
        Files.createDirectories(file.getParent());
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.nativeOrder());
        for (long v : values) {
            b.putLong(v);
        }
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(b.flip(), index * 8);
        }
    }
}
