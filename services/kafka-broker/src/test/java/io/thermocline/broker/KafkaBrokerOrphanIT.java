package io.thermocline.broker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foreground main in a parent JVM that is then SIGKILLed (no shutdown hooks run): the broker
 * it started must notice and stop by itself instead of living on as an orphan.
 */
class KafkaBrokerOrphanIT {

    @Test
    void brokerStopsWhenItsParentIsKilled(@TempDir Path dataDir) throws Exception {
        List<String> cmd = List.of(KafkaBroker.javaExecutable().toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"),
                KafkaBroker.class.getName(), "--data-dir", dataDir.toString());
        Process parent = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Long brokerPid = null;
        String bootstrap = null;
        List<String> seen = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                seen.add(line);
                if (line.startsWith("bootstrap=")) {
                    bootstrap = line.substring("bootstrap=".length());
                } else if (line.startsWith("pid=")) {
                    brokerPid = Long.parseLong(line.substring("pid=".length()));
                    break;
                }
            }
            assertNotNull(bootstrap, "main printed bootstrap=...: " + seen);
            assertTrue(bootstrap.matches("127\\.0\\.0\\.1:\\d+"), bootstrap);
            assertNotNull(brokerPid, "main printed pid=...: " + seen);
            Optional<ProcessHandle> broker = ProcessHandle.of(brokerPid);
            assertTrue(broker.map(ProcessHandle::isAlive).orElse(false), "broker running before the kill");

            parent.destroyForcibly(); // SIGKILL: the parent's shutdown hooks do not run
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (broker.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(broker.get().isAlive(), "broker outlived its SIGKILLed parent");
            String stdout = Files.readString(dataDir.resolve(KafkaBroker.LOGS_DIR).resolve(KafkaBroker.STDOUT_LOG));
            assertTrue(stdout.contains("stdin closed"), stdout);
        } finally {
            parent.destroyForcibly();
            if (brokerPid != null) {
                ProcessHandle.of(brokerPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
