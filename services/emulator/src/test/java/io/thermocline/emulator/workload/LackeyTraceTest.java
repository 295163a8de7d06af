package io.thermocline.emulator.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.thermocline.emulator.run.Emulation;
import io.thermocline.emulator.run.EmulationConfig;
import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.emulator.run.PolicyReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LackeyTraceTest {
    static final String SAMPLE = """
            ==12345== Lackey, an example Valgrind tool
            ==12345== Command: ./a.out
            I  04001000,3
             L 1ffefff8a0,8
             S 1ffefff8a8,8
            I  04001003,5
             M 0403b1c8,4
             L 1ffefff000,8
             L 0403b1d0,4
            ==12345== I   refs:      2
            """;

    @TempDir
    Path dir;

    @Test
    void countsDataLinesOnlyAndMapsPagesInAddressOrder() throws IOException {
        Path plain = dir.resolve("t.lackey");
        Files.writeString(plain, SAMPLE);
        Path gz = dir.resolve("t.lackey.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(SAMPLE.getBytes(StandardCharsets.US_ASCII));
        }
        for (Path p : List.of(plain, gz)) {
            LackeyTrace t = LackeyTrace.read(p);
            assertEquals(5, t.accesses(), p.toString());
            assertEquals(2, t.pages());
            assertArrayEquals(new long[] {0x0403b000L, 0x1ffefff000L}, t.pageVas());
            assertEquals(5, t.skippedLines());
            Workload w = t.asWorkload(2);
            assertEquals(2, w.epochAccesses(0));
            assertEquals(3, w.epochAccesses(1));
            int[] buf = new int[3];
            w.fill(0, buf, 0);
            assertEquals(1, buf[0]);
            assertEquals(1, buf[1]);
            w.fill(1, buf, 0);
            assertArrayEquals(new int[] {0, 1, 0}, buf);
        }
    }

    @Test
    void unreadableOrEmptyTracesFailClearly() throws IOException {
        IOException e = assertThrows(IOException.class, () -> LackeyTrace.read(dir.resolve("missing.gz")));
        assertTrue(e.getMessage().contains("missing.gz"));
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "==1== nothing\nI  0400,3\n");
        assertThrows(IOException.class, () -> LackeyTrace.read(empty));
    }

    /** The shared real trace: ../shared/traces relative to the repository root (or -Dthermocline.trace=...). */
    static Path sharedTrace() {
        String prop = System.getProperty("thermocline.trace");
        if (prop != null) return Path.of(prop);
        String proj = System.getProperty("thermocline.project.dir");
        Path root = proj != null ? Path.of(proj) : Path.of("").toAbsolutePath();
        for (Path p = root; p != null; p = p.getParent()) {
            Path c = p.resolveSibling("shared").resolve("traces").resolve("sqlite-q4.lackey.gz");
            if (Files.isReadable(c)) return c;
        }
        return root.resolveSibling("shared").resolve("traces").resolve("sqlite-q4.lackey.gz");
    }

    @Test
    void replaysTheSharedSqliteTrace() throws IOException {
        Path trace = sharedTrace();
        assumeTrue(Files.isReadable(trace), "shared trace absent at " + trace + " - skipping replay test");
        LackeyTrace t = LackeyTrace.read(trace);
        // traces/README.md says 656 pages; the file holds 636 distinct addr>>12 pages (also 636 when an access
        // straddling a page boundary counts both pages; checked independently with zcat | python)
        assertEquals(636, t.pages());
        assertEquals(18_825_032, t.accesses());
        EmulationConfig c = EmulationConfig.of(List.of("lackey:" + trace), 1, 0.25, 50, 1);
        Emulation em = new Emulation(c, List.of(t.asWorkload(50)),
                new io.thermocline.emulator.policy.PolicyRegistry().create("first-touch,numab2,oracle"));
        assertEquals(636, em.footprintPages());
        assertEquals(159, em.fastTierPages());
        EmulationReport r = em.run();
        long total = 0;
        for (PolicyReport p : r.policies()) {
            assertEquals(t.accesses(), p.accesses(), p.name() + " replays every access");
            total = p.accesses();
        }
        assertEquals(t.accesses(), total);
        assertTrue(r.policy("oracle").fastAccessRatio() >= r.policy("numab2").fastAccessRatio());
        assertTrue(r.policy("oracle").fastAccessRatio() >= r.policy("first-touch").fastAccessRatio());
    }
}
