package io.thermocline.cluster.junit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterExtensionTest {

    @Test
    void runDirsOfDeadJvmsAreRemovedAndLiveOnesKept(@TempDir Path base) throws IOException {
        Path mine = Files.createDirectories(base.resolve(LocalClusterExtension.RUN_PREFIX + ProcessHandle.current().pid()));
        // pids are below 2^22 on Linux: this one is not alive
        Path dead = Files.createDirectories(base.resolve(LocalClusterExtension.RUN_PREFIX + "999999999").resolve("kafka"));
        Files.writeString(dead.resolve("x.log"), "old");
        Path other = Files.createDirectories(base.resolve("not-a-run"));
        LocalClusterExtension.removeDeadRuns(base);
        assertTrue(Files.isDirectory(mine));
        assertTrue(Files.isDirectory(other));
        assertFalse(Files.exists(dead.getParent()));
    }
}
