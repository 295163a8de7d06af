package io.thermocline.migrator;

import io.thermocline.avro.decision.MigrationDecision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-ahead list of the decisions of the batch being executed, fsync'ed before any page moves and removed once the
 * batch's transaction committed. After a crash between the moves and the commit, the decisions come back (offsets
 * were not committed); those in the journal whose page now sits on the target node were moved by the previous
 * instance, and are reported MOVED with their PfnMove instead of STALE_PFN, so no move goes unreported.
 */
public final class InflightJournal {

    private static final Logger LOG = LoggerFactory.getLogger(InflightJournal.class);
    static final String SUFFIX = ".inflight";

    private final Path file;

    public InflightJournal(Path dir, String host) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state dir " + dir, e);
        }
        this.file = dir.resolve(host.replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX);
    }

    /** Records the batch about to be executed (durably). */
    public void begin(List<MigrationDecision> batch) {
        StringBuilder sb = new StringBuilder();
        for (MigrationDecision d : batch) {
            sb.append(d.getDecisionId()).append('\n');
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The batch's transaction committed: nothing is in flight. */
    public void committed() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** Ids left by a previous instance; hands them to the executor and clears the journal. */
    public Set<String> recover(DecisionExecutor executor) {
        Set<String> ids = new HashSet<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !executor.applied().contains(line.trim())) {
                        ids.add(line.trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!ids.isEmpty()) {
            LOG.warn("{} decision(s) were in flight when the previous migrator stopped: {}", ids.size(), file);
        }
        executor.recoverInflight(ids);
        return ids;
    }
}
