package io.thermocline.migrator.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst). */
final class Cpio implements AutoCloseable {

    static final int DIR = 0040000;
    static final int FILE = 0100000;
    static final int SYMLINK = 0120000;
    private static final String MAGIC = "070701";
    private static final String TRAILER = "TRAILER!!!";

    private final OutputStream out;
    private long written;
    private int ino = 1;

    Cpio(OutputStream out) {
        this.out = out;
    }

    void dir(String path) throws IOException {
        entry(path, DIR | 0755, new byte[0]);
    }

    void file(String path, int perms, byte[] data) throws IOException {
        entry(path, FILE | perms, data);
    }

    void symlink(String path, String target) throws IOException {
        entry(path, SYMLINK | 0777, target.getBytes(StandardCharsets.UTF_8));
    }

    private void entry(String path, int mode, byte[] data) throws IOException {
        byte[] name = (path + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(MAGIC);
        int nlink = (mode & DIR) == DIR ? 2 : 1;
        long[] fields = {ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, 0, 0, name.length, 0};
        for (long f : fields) {
            h.append(String.format(Locale.ROOT, "%08x", f));
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(name);
        pad();
        write(data);
        pad();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    @Override
    public void close() throws IOException {
        entry(TRAILER, 0, new byte[0]);
        out.flush();
    }

    static byte[] bytes(ThrowingWriter w) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (Cpio c = new Cpio(bos)) {
            w.write(c);
        }
        return bos.toByteArray();
    }

    interface ThrowingWriter {
        void write(Cpio c) throws IOException;
    }
}
