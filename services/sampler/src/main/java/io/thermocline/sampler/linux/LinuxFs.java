package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the kernel interfaces live: {@code /proc} and {@code /sys} on a real host, a directory tree in tests.
 * Every Linux probe takes one of these so parsing can be tested against recorded files.
 */
public record LinuxFs(Path proc, Path sys) {

    public static final LinuxFs HOST = new LinuxFs(Path.of("/proc"), Path.of("/sys"));

    public LinuxFs {
        Objects.requireNonNull(proc, "proc");
        Objects.requireNonNull(sys, "sys");
    }

    /** A fake tree with {@code proc/} and {@code sys/} under {@code root}. */
    public static LinuxFs under(Path root) {
        return new LinuxFs(root.resolve("proc"), root.resolve("sys"));
    }

    public Path proc(String relative) {
        return proc.resolve(relative);
    }

    public Path sys(String relative) {
        return sys.resolve(relative);
    }

    /** Whole file as trimmed text. */
    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.US_ASCII).trim();
    }

    static long readLong(Path p) throws IOException {
        return Long.parseLong(read(p));
    }

    /** sysfs writes: one write call with the value, as {@code echo value > file} does. */
    static void write(Path p, String value) throws IOException {
        Files.writeString(p, value + "\n", StandardCharsets.US_ASCII);
    }
}
