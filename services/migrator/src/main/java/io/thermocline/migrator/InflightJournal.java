package io.thermocline.migrator;

import io.thermocline.avro.decision.MigrationDecision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-ahead record of the batch being executed: its decision ids before any page moves ({@code B id}), then the
 * ids that moved and their new frames ({@code M id newPfn}) and an {@code E} line before the transaction; fsync'ed each time and removed
 * once the batch's transaction committed. After a crash between the moves and the commit the decisions come back
 * (offsets were not committed): those the journal lists as moved, whose page still sits in that frame, are reported
 * MOVED with their PfnMove instead of STALE_PFN, so no move goes unreported and none is repeated. If the crash came
 * during the moves (no E line), a listed decision whose page sits on its target node is taken as moved.
 */
public final class InflightJournal {

    private static final Logger LOG = LoggerFactory.getLogger(InflightJournal.class);
    static final String SUFFIX = ".inflight";
    static final String BEGIN = "B ";
    static final String MOVED = "M ";
    /** Written after the M lines: the batch's moves are complete and recorded. */
    static final String EXECUTED = "E";

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
            sb.append(BEGIN).append(d.getDecisionId()).append('\n');
        }
        write(sb.toString(), StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Records which decisions of the batch moved pages, and where to (durably), before the transaction. */
    public void executed(List<DecisionExecutor.Outcome> outcomes) {
        StringBuilder sb = new StringBuilder();
        for (DecisionExecutor.Outcome o : outcomes) {
            if (o.move() != null) {
                sb.append(MOVED).append(o.decision().getDecisionId()).append(' ').append(o.move().getNewPfn())
                        .append('\n');
            }
        }
        sb.append(EXECUTED).append('\n');
        write(sb.toString(), StandardOpenOption.APPEND);
    }

    private void write(String text, StandardOpenOption mode) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
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

    /**
     * Hands what a previous instance left to the executor: id -> frame it moved the page to, or
     * {@link DecisionExecutor#UNKNOWN_FRAME} when it stopped before recording its moves.
     */
    public Map<String, Long> recover(DecisionExecutor executor) {
        Map<String, Long> begun = new HashMap<>();
        Map<String, Long> moved = new HashMap<>();
        boolean executedRecorded = false;
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.startsWith(BEGIN)) {
                        begun.put(line.substring(BEGIN.length()).trim(), DecisionExecutor.UNKNOWN_FRAME);
                    } else if (line.startsWith(MOVED)) {
                        String[] f = line.substring(MOVED.length()).trim().split(" ");
                        moved.put(f[0], Long.parseLong(f[1]));
                    } else if (line.trim().equals(EXECUTED)) {
                        executedRecorded = true;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, Long> ids = executedRecorded ? moved : begun;
        ids.keySet().removeIf(id -> executor.applied().contains(id));
        if (!ids.isEmpty()) {
            LOG.warn("{} decision(s) were in flight when the previous migrator stopped ({}): {}", ids.size(),
                    executedRecorded ? "moves recorded" : "stopped during the moves", file);
        }
        executor.recoverInflight(ids);
        return ids;
    }
}
