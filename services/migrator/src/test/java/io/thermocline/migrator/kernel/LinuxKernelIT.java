package io.thermocline.migrator.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Linux backends against a real kernel: boots Debian's linux-image-6.12 under QEMU (TCG) with two NUMA nodes -
 * node 1 CPU-less and a lower memory tier through HMAT latencies 100 vs 300 - and runs {@link GuestKernelChecks}
 * (plus the {@link GuestWorkload} test process) in the guest on the host's JDK, shared read-only over virtio-9p.
 * Asserts each {@code TC-RESULT} line the guest prints. Needs {@code src/test/qemu/prepare.sh} to have run: without
 * qemu or the kernel the test FAILS (CI runs prepare.sh, so a missing kernel is a broken CI, not a skip).
 */
class LinuxKernelIT {

    static final String PREPARE = "services/migrator/src/test/qemu/prepare.sh";
    static final List<String> CHECKS = List.of("tiers", "ownership", "damon", "promote", "pfn-changed", "stale",
            "pinned", "duplicate", "kernel-move");
    static final String[] MODULES = {"fs/netfs/netfs", "net/9p/9pnet", "net/9p/9pnet_virtio", "fs/9p/9p"};
    static final int WORKLOAD_PAGES = 16384;     // 64 MiB on node 1
    static final int HOT_PAGES = 2048;           // 8 MiB rewritten continuously
    static final long TIMEOUT_S = 240;
    static final Pattern RESULT = Pattern.compile("TC-RESULT name=(\\S+) ok=(true|false) detail=(.*)");
    static final Pattern DONE = Pattern.compile("TC-DONE ok=(true|false).*");

    @Test
    void backendsWorkOnARealKernel() throws Exception {
        Path kernelCache = kernelCache();
        Path vmlinuz = kernelCache.resolve("vmlinuz");
        Path versionFile = kernelCache.resolve("kernel-version");
        String qemu = onPath("qemu-system-x86_64");
        if (!Files.isRegularFile(vmlinuz) || !Files.isRegularFile(versionFile) || qemu == null) {
            fail("real-kernel IT needs qemu-system-x86_64 and the Debian linux-image-6.12 kernel in " + kernelCache
                    + " (qemu " + (qemu == null ? "missing" : "found") + ", vmlinuz "
                    + (Files.isRegularFile(vmlinuz) ? "found" : "missing") + "): run " + PREPARE);
        }
        String version = Files.readString(versionFile).trim();
        Path modules = kernelCache.resolve("root/lib/modules/" + version + "/kernel");
        Path busybox = staticBusybox();
        if (busybox == null) {
            fail("real-kernel IT needs a statically linked busybox (Debian busybox-static): run " + PREPARE);
        }
        Path work = Path.of(System.getProperty("basedir", ".")).resolve("target/kernel-it");
        deleteTree(work);
        Files.createDirectories(work);
        Path share = work.resolve("share");
        String guestCp = stageClasspath(share);
        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        String extraMounts = "";
        List<String> virtfs = new ArrayList<>(List.of(
                virtfs("/usr", "usr"), virtfs("/etc", "etc"), virtfs(share.toString(), "tc")));
        if (!javaHome.startsWith("/usr/")) {
            virtfs.add(virtfs(javaHome.toString(), "jdk"));
            extraMounts = "mkdir -p $R" + javaHome + " && mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose jdk $R"
                    + javaHome;
        }
        String init = Files.readString(Path.of(System.getProperty("basedir", "."))
                        .resolve("src/test/qemu/guest-init.sh"))
                .replace("@JAVA@", javaHome.resolve("bin/java").toString())
                .replace("@CLASSPATH@", guestCp)
                .replace("@EXTRA_MOUNTS@", extraMounts)
                .replace("@PAGES@", Integer.toString(WORKLOAD_PAGES))
                .replace("@HOT_PAGES@", Integer.toString(HOT_PAGES));
        byte[] busyboxBytes = Files.readAllBytes(busybox);
        Path initrd = work.resolve("initramfs.cpio");
        Files.write(initrd, Cpio.bytes(c -> {
            for (String d : List.of("bin", "dev", "proc", "sys", "tmp", "modules", "newroot")) {
                c.dir(d);
            }
            c.file("bin/busybox", 0755, busyboxBytes);
            c.file("init", 0755, init.getBytes(StandardCharsets.UTF_8));
            for (String m : MODULES) {
                Path ko = modules.resolve(m + ".ko.xz");
                c.file("modules/" + ko.getFileName(), 0644, Files.readAllBytes(ko));
            }
        }));

        List<String> cmd = new ArrayList<>(List.of(qemu,
                "-M", "q35,hmat=on", "-accel", "tcg,thread=multi", "-cpu", "max", "-smp", "2", "-m", "2G",
                "-object", "memory-backend-ram,id=m0,size=1G", "-object", "memory-backend-ram,id=m1,size=1G",
                "-numa", "node,nodeid=0,cpus=0-1,memdev=m0,initiator=0",
                "-numa", "node,nodeid=1,memdev=m1,initiator=0",
                "-numa", "hmat-lb,initiator=0,target=0,hierarchy=memory,data-type=access-latency,latency=100",
                "-numa", "hmat-lb,initiator=0,target=0,hierarchy=memory,data-type=access-bandwidth,bandwidth=20G",
                "-numa", "hmat-lb,initiator=0,target=1,hierarchy=memory,data-type=access-latency,latency=300",
                "-numa", "hmat-lb,initiator=0,target=1,hierarchy=memory,data-type=access-bandwidth,bandwidth=5G",
                "-kernel", vmlinuz.toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 quiet panic=-1 numa_balancing=disable transparent_hugepage=never "
                        + "mitigations=off rdinit=/init",
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-nodefaults", "-no-reboot"));
        for (String v : virtfs) {
            cmd.add("-virtfs");
            cmd.add(v);
        }
        Path console = work.resolve("console.log");
        Map<String, String[]> results = Collections.synchronizedMap(new LinkedHashMap<>());
        List<String> tail = Collections.synchronizedList(new ArrayList<>());
        String[] done = new String[1];
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)); var log = Files.newBufferedWriter(console)) {
                String line;
                while ((line = r.readLine()) != null) {
                    String clean = line.replaceAll("\\e\\[[0-9;?]*[a-zA-Z]", "").replace("\r", "");
                    double s = (System.nanoTime() - start) / 1e9;
                    log.write(String.format(java.util.Locale.ROOT, "[%7.2f] %s%n", s, clean));
                    log.flush();
                    tail.add(clean);
                    if (tail.size() > 60) {
                        tail.remove(0);
                    }
                    Matcher m = RESULT.matcher(clean);
                    if (m.find()) {
                        results.put(m.group(1), new String[] {m.group(2), m.group(3)});
                        System.out.println(clean);
                    } else if (clean.startsWith("TC-")) {
                        System.out.println(clean);
                    }
                    if (DONE.matcher(clean).find()) {
                        done[0] = clean;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "qemu-console");
        reader.start();
        boolean exited = p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5000);
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.writeString(work.resolve("results.txt"), String.format(java.util.Locale.ROOT,
                "kernel=%s qemu_seconds=%.1f exited=%s%n", version, seconds, exited)
                + String.join("\n", results.entrySet().stream()
                .map(e -> e.getKey() + " ok=" + e.getValue()[0] + " " + e.getValue()[1]).toList()) + "\n");
        System.out.printf("LinuxKernelIT: guest ran %.1f s (kernel %s); console in %s%n", seconds, version, console);
        assertTrue(exited, "guest did not power off within " + TIMEOUT_S + " s; last console lines:\n"
                + String.join("\n", tail));
        for (String check : CHECKS) {
            String[] r = results.get(check);
            assertTrue(r != null, "guest printed no result for '" + check + "'; last console lines:\n"
                    + String.join("\n", tail));
            assertEquals("true", r[0], "check '" + check + "' failed in the guest: " + r[1]);
        }
        assertTrue(done[0] != null && done[0].contains("ok=true"), "guest checks did not finish cleanly: " + done[0]);
    }

    static String virtfs(String path, String tag) {
        return "local,path=" + path + ",mount_tag=" + tag + ",security_model=none,readonly=on";
    }

    static Path kernelCache() {
        String p = System.getProperty("thermocline.kernel.cache");
        if (p == null || p.isBlank()) {
            p = System.getenv("THERMOCLINE_KERNEL_CACHE");
        }
        return p == null || p.isBlank() ? Path.of(System.getProperty("user.home"), ".cache/thermocline/kernel")
                : Path.of(p);
    }

    static String onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** A busybox without a PT_INTERP program header (statically linked): the initramfs has no libc. */
    static Path staticBusybox() throws IOException {
        for (String c : List.of("/bin/busybox", "/usr/bin/busybox", "/usr/lib/busybox/busybox-static")) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p) && !hasInterpreter(p)) {
                return p;
            }
        }
        return null;
    }

    static boolean hasInterpreter(Path elf) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(elf.toFile(), "r")) {
            byte[] h = new byte[64];
            f.readFully(h);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long phoff = b.getLong(0x20);
            int phentsize = Short.toUnsignedInt(b.getShort(0x36));
            int phnum = Short.toUnsignedInt(b.getShort(0x38));
            for (int i = 0; i < phnum; i++) {
                f.seek(phoff + (long) i * phentsize);
                int type = Integer.reverseBytes(f.readInt());
                if (type == 3) {       // PT_INTERP
                    return true;
                }
            }
        }
        return false;
    }

    /** Copies (hard-links when possible) the test classpath into the shared dir; returns the guest classpath. */
    static String stageClasspath(Path share) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> guest = new ArrayList<>();
        int i = 0;
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) {
                continue;
            }
            String name = String.format(java.util.Locale.ROOT, "%03d-%s", i++, src.getFileName());
            Path dst = share.resolve("cp").resolve(name);
            Files.createDirectories(dst.getParent());
            if (Files.isDirectory(src)) {
                copyTree(src, dst);
            } else {
                link(src, dst);
            }
            guest.add("/tc/cp/" + name);
        }
        return String.join(":", guest);
    }

    static void link(Path src, Path dst) throws IOException {
        try {
            Files.createLink(dst, src);
        } catch (FileSystemException | UnsupportedOperationException e) {
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
