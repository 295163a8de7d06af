package io.thermocline.sampler;

import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.PageAccessBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToIntFunction;

/** Groups a window's (pfn, count) samples into one {@link PageAccessBatch} per PFN block (2^blockShift frames). */
public final class Batcher {

    /** 512 frames = one 2 MiB region per record. */
    public static final int BLOCK_SHIFT = 9;

    private Batcher() {
    }

    public static List<PageAccessBatch> batches(String host, AccessWindow w, LongToIntFunction nodeOfPfn) {
        List<PageAccessBatch> out = new ArrayList<>();
        int i = 0;
        long[] pfns = w.pfns();
        while (i < pfns.length) {
            long block = pfns[i] >>> BLOCK_SHIFT;
            List<PageAccess> entries = new ArrayList<>();
            int j = i;
            while (j < pfns.length && pfns[j] >>> BLOCK_SHIFT == block) {
                if (j > i && pfns[j] <= pfns[j - 1]) {
                    throw new IllegalArgumentException("window pfns not sorted ascending at " + j);
                }
                entries.add(new PageAccess(pfns[j], w.counts()[j]));
                j++;
            }
            out.add(new PageAccessBatch(host, w.source(), nodeOfPfn.applyAsInt(pfns[i]), block, BLOCK_SHIFT,
                    Instant.ofEpochMilli(w.startMs()), Instant.ofEpochMilli(w.endMs()), w.epoch(), w.sampleRate(),
                    entries, false));
            i = j;
        }
        return out;
    }

    /**
     * The host's end-of-window marker: sent after every batch of the windows {@code [startMs, endMs)} so the
     * hotness app closes them now instead of waiting for the next window's samples.
     */
    public static PageAccessBatch marker(String host, AccessSource source, long startMs, long endMs, long epoch) {
        return new PageAccessBatch(host, source, -1, 0L, BLOCK_SHIFT, Instant.ofEpochMilli(startMs),
                Instant.ofEpochMilli(endMs), epoch, 1, new ArrayList<>(), true);
    }
}
