package io.thermocline.sampler;

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

/** The sampler program refuses to start on a host without what it needs, and says exactly what. */
class SamplerMainTest {

    static final Map<String, String> ENV = Map.of("TC_SAMPLER_HOST_ID", "h", "TC_SAMPLER_BOOTSTRAP_SERVERS",
            "127.0.0.1:1", "TC_SAMPLER_SCHEMA_REGISTRY_URL", "http://127.0.0.1:1");

    @TempDir
    Path root;

    String run(Map<String, String> env, int expectedExit) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedExit, SamplerMain.run(new String[0], env, LinuxFs.under(root)));
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutCapSysAdminItExitsTwoNamingIt() throws Exception {
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/status"), "CapEff:\t0000000000800000\n");
        String msg = run(ENV, SamplerMain.EXIT_MISSING_CAPABILITY);
        assertTrue(msg.contains("missing CAP_SYS_ADMIN"), msg);
    }

    @Test
    void withoutNodeSysfsItExitsTwoNamingThePath() throws Exception {
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/status"), "CapEff:\t000001ffffffffff\n");
        for (String f : new String[] {"self/pagemap", "kpageflags", "kpagecount"}) {
            Files.writeString(root.resolve("proc/" + f), "");
        }
        String msg = run(ENV, SamplerMain.EXIT_MISSING_CAPABILITY);
        assertTrue(msg.contains("devices/system/node"), msg);
    }

    @Test
    void badConfigurationExitsThree() throws Exception {
        String msg = run(Map.of("TC_SAMPLER_HOST_ID", "h"), SamplerMain.EXIT_BAD_CONFIG);
        assertTrue(msg.contains("bootstrap.servers"), msg);
    }
}
