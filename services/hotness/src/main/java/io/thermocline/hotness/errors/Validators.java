package io.thermocline.hotness.errors;

import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.hotness.ingest.PackedAccesses;

/** Contract checks of the input records; a violation throws {@link InvalidRecordException} (the record goes to the DLQ). */
public final class Validators {

    private static final int MAX_SHIFT = 16;

    private Validators() {
    }

    private static void check(boolean ok, String reason) {
        if (!ok) {
            throw new InvalidRecordException(reason);
        }
    }

    public static void batch(PfnBlockKey key, PageAccessBatch b, int blockShift) {
        check(key != null && b != null, "page-access record without key or value");
        check(b.getHost().length() > 0, "empty host");
        check(key.getHost().toString().equals(b.getHost().toString()) && key.getBlock() == b.getBlock(),
                "key " + key.getHost() + "/" + key.getBlock() + " does not match batch " + b.getHost() + "/" + b.getBlock());
        check(b.getBlock() >= 0, "negative block " + b.getBlock());
        check(b.getBlockShift() == blockShift && blockShift <= MAX_SHIFT,
                "blockShift " + b.getBlockShift() + " != configured " + blockShift);
        check(!b.getWindowEndMs().isBefore(b.getWindowStartMs()), "window ends before it starts");
        check(b.getSampleRate() >= 1, "sampleRate " + b.getSampleRate() + " < 1");
        // no message built per entry: a batch holds up to 512 of them
        if (b.getEntries() instanceof PackedAccesses p) {
            for (int i = 0, n = p.size(); i < n; i++) {
                entry(p.pfn(i), p.count(i), b.getBlock(), blockShift);
            }
        } else {
            for (PageAccess a : b.getEntries()) {
                entry(a.getPfn(), a.getCount(), b.getBlock(), blockShift);
            }
        }
    }

    private static void entry(long pfn, int count, long block, int blockShift) {
        if (pfn >> blockShift != block) {
            check(false, "pfn " + pfn + " outside block " + block);
        }
        if (count < 0) {
            check(false, "negative count for pfn " + pfn);
        }
    }

    public static void owner(PfnKey key, PageOwner o) {
        check(key != null, "page-owner record without key");
        check(key.getPfn() >= 0, "negative pfn " + key.getPfn());
        if (o != null) {
            check(o.getPfn() == key.getPfn() && o.getHost().toString().equals(key.getHost().toString()),
                    "page-owner value does not match its key");
            check(o.getFolioOrder() >= 0 && o.getFolioOrder() <= 18, "folio order " + o.getFolioOrder());
        }
    }

    public static void move(PfnMove m) {
        check(m != null, "pfn-move without value");
        check(m.getOldPfn() >= 0 && m.getNewPfn() >= 0, "negative pfn in move");
        check(m.getOldPfn() != m.getNewPfn(), "move to the same pfn " + m.getOldPfn());
    }

    public static void nodeStats(NodeKey key, NodeStats s) {
        check(s != null, "node-stats without value");
        check(s.getCapacityPages() >= 0 && s.getFreePages() >= 0 && s.getFreePages() <= s.getCapacityPages(),
                "free " + s.getFreePages() + " / capacity " + s.getCapacityPages() + " invalid");
        check(s.getTierRank() >= 0, "negative tier rank");
    }
}
