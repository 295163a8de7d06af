package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** {@code /proc/PID/maps}: the virtual memory areas of a process. */
public final class ProcMaps {

    /** One VMA; {@code path} is empty for anonymous mappings, {@code [heap]}/{@code [stack]} for those. */
    public record Vma(long start, long end, String perms, long offset, String path) {
        public long pages() {
            return (end - start) >>> Pagemap.PAGE_SHIFT;
        }

        public boolean readable() {
            return perms.charAt(0) == 'r';
        }

        public boolean writable() {
            return perms.charAt(1) == 'w';
        }

        public boolean privateMapping() {
            return perms.charAt(3) == 'p';
        }

        /** Anonymous private memory (incl. heap): what tiering moves. File pages and [vsyscall] etc. are excluded. */
        public boolean anonymous() {
            return path.isEmpty() || path.equals("[heap]") || path.equals("[stack]");
        }

        public boolean contains(long va) {
            return va >= start && va < end;
        }
    }

    private final LinuxFs fs;

    public ProcMaps(LinuxFs fs) {
        this.fs = fs;
    }

    public List<Vma> read(int pid) throws IOException {
        return parse(Files.readAllLines(fs.proc(pid + "/maps")));
    }

    static List<Vma> parse(List<String> lines) {
        List<Vma> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            // 7f12a000-7f12b000 rw-p 00000000 00:00 0                          [heap]
            String[] f = line.trim().split("\\s+", 6);
            int dash = f[0].indexOf('-');
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            long offset = Long.parseUnsignedLong(f[2], 16);
            String path = f.length > 5 ? f[5].trim() : "";
            out.add(new Vma(start, end, f[1], offset, path));
        }
        return out;
    }

    /** Command name ({@code /proc/PID/comm}), or null when the process is gone. */
    public String comm(int pid) {
        try {
            return LinuxFs.read(fs.proc(pid + "/comm"));
        } catch (IOException e) {
            return null;
        }
    }

    /** cgroup v2 path ({@code 0::/path} line of {@code /proc/PID/cgroup}), or null when unknown. */
    public String cgroup(int pid) {
        try {
            for (String line : Files.readAllLines(fs.proc(pid + "/cgroup"))) {
                if (line.startsWith("0::")) {
                    return line.substring(3);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
