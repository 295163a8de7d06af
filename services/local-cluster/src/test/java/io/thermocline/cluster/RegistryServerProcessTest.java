package io.thermocline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryServerProcessTest {

    @TempDir
    Path tmp;

    private Path jarUnder(Path root) throws IOException {
        Path jar = root.resolve(RegistryServerProcess.RELATIVE_JAR);
        Files.createDirectories(jar.getParent());
        return Files.writeString(jar, "not really a jar");
    }

    @Test
    void systemPropertyWinsOverEverythingElse() throws IOException {
        Path explicit = Files.writeString(tmp.resolve("explicit.jar"), "x");
        Path env = Files.writeString(tmp.resolve("env.jar"), "x");
        jarUnder(tmp);
        assertEquals(explicit, RegistryServerProcess.locateRunnerJar(
                explicit.toString(), env.toString(), null, tmp));
    }

    @Test
    void environmentVariableIsUsedWhenThePropertyIsUnset() throws IOException {
        Path env = Files.writeString(tmp.resolve("env.jar"), "x");
        assertEquals(env, RegistryServerProcess.locateRunnerJar(null, env.toString(), null, tmp));
    }

    @Test
    void walksUpFromTheWorkingDirectory() throws IOException {
        Path jar = jarUnder(tmp);
        Path deep = Files.createDirectories(tmp.resolve("services/local-cluster/target"));
        assertEquals(jar, RegistryServerProcess.locateRunnerJar(null, "  ", null, deep));
    }

    @Test
    void aPropertyPointingNowhereFallsBackToTheProjectDirectory() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("repo"));
        Path jar = jarUnder(root);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        assertEquals(jar, RegistryServerProcess.locateRunnerJar(
                tmp.resolve("missing.jar").toString(), null, root.toString(), elsewhere));
    }

    @Test
    void missingJarNamesEveryPlaceLookedAt() throws IOException {
        Path deep = Files.createDirectories(tmp.resolve("a/b"));
        String missing = tmp.resolve("missing.jar").toString();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RegistryServerProcess.locateRunnerJar(missing, null, null, deep));
        String m = e.getMessage();
        assertTrue(m.contains(RegistryServerProcess.JAR_PROPERTY + "=" + missing), m);
        assertTrue(m.contains(RegistryServerProcess.JAR_ENV + " (not set)"), m);
        assertTrue(m.contains(deep.resolve(RegistryServerProcess.RELATIVE_JAR).toString()), m);
        assertTrue(m.contains(tmp.resolve(RegistryServerProcess.RELATIVE_JAR).toString()), m);
    }

    @Test
    void startRefusesAMissingJar() {
        IOException e = assertThrows(IOException.class,
                () -> RegistryServerProcess.start(tmp.resolve("nope.jar"), tmp.resolve("work")));
        assertTrue(e.getMessage().contains("nope.jar"), e.getMessage());
    }

    @Test
    void aChildThatDiesAtOnceFailsFastWithItsLog() throws IOException {
        Path bogus = Files.writeString(tmp.resolve("bogus.jar"), "this is not a zip file");
        Path work = tmp.resolve("work");
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> RegistryServerProcess.start(bogus, work));
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(seconds < RegistryServerProcess.START_TIMEOUT.toSeconds(), "waited " + seconds + " s");
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        // the JVM's own complaint about the jar reached registry.log and the message
        assertTrue(e.getMessage().toLowerCase().contains("jarfile"), e.getMessage());
        assertTrue(Files.exists(work.resolve(RegistryServerProcess.LOG_FILE)));
    }

    @Test
    void freePortIsBindableOnLoopback() throws IOException {
        int port = RegistryServerProcess.freeLoopbackPort();
        assertTrue(port > 0 && port < 65536);
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, s.getLocalPort());
        }
    }

    @Test
    void childRunsOnThisJvmsJava() {
        String java = RegistryServerProcess.javaExecutable();
        assertTrue(Files.isExecutable(Path.of(java)), java);
    }
}
