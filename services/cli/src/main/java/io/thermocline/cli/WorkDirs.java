package io.thermocline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The scratch directories the commands create (cluster logs, state stores). */
public final class WorkDirs {

    private WorkDirs() {
    }

    /** Deletes a directory tree, best effort (a file that cannot be deleted is left). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: scratch space
        }
    }
}
