package io.thermocline.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.sampler.linux.LinuxFs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migrator program refuses to start without its capabilities, and names them. */
class MigratorMainTest {

    @TempDir
    Path root;

    @Test
    void withoutCapSysNiceItExitsTwoNamingIt() throws Exception {
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/status"), "CapEff:\t0000000000200000\n");   // SYS_ADMIN only
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(MigratorMain.EXIT_MISSING_CAPABILITY, MigratorMain.run(new String[0], Map.of(
                    "TC_MIGRATOR_HOST_ID", "h", "TC_MIGRATOR_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                    "TC_MIGRATOR_SCHEMA_REGISTRY_URL", "http://127.0.0.1:1"), LinuxFs.under(root)));
        } finally {
            System.setErr(old);
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("missing CAP_SYS_NICE") && !msg.contains("CAP_SYS_ADMIN,"), msg);
    }
}
