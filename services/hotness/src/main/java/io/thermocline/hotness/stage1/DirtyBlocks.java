package io.thermocline.hotness.stage1;

import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.state.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Blocks to summarize again when the host's next window closes, kept in a (logged) store shared by the stage-1
 * processors of a task: blocks whose owners or frames changed (owners, moves), so each evaluation sees the moves
 * and owners that arrived before it, and blocks whose last summary cut cold pages (summarized uncut if they are
 * not refolded: an idle block keeps its last summary in stage 2).
 */
final class DirtyBlocks {

    /** Owners or frames changed. */
    private static final byte[] MARK = new byte[0];
    /** Only the last summary was cut; owners unchanged. */
    private static final byte[] CUT = {1};

    /** A block to summarize again and whether its owners changed since it was last summarized. */
    record Dirty(long block, boolean ownersChanged) {
    }

    private final KeyValueStore<Bytes, byte[]> store;

    DirtyBlocks(ProcessingContext context) {
        this.store = context.getStateStore(HotnessTopology.DIRTY_STORE);
    }

    /** Owners or frames of the block changed (overrides a cut mark). */
    void mark(String host, long block) {
        store.put(StoreKeys.hostLong(host, block), MARK);
    }

    /** The block's summary cut cold pages; call right after {@link #drain} only, so that no owner mark is lost. */
    void markCut(String host, long block) {
        store.put(StoreKeys.hostLong(host, block), CUT);
    }

    /** The host's dirty blocks, ascending; they are clean afterwards. */
    List<Dirty> drain(String host) {
        List<Bytes> keys = new ArrayList<>();
        List<Dirty> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(StoreKeys.hostPrefix(host), new BytesSerializer())) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                keys.add(kv.key);
                out.add(new Dirty(StoreKeys.longPart(kv.key), kv.value == null || kv.value.length == 0));
            }
        }
        keys.forEach(store::delete);
        return out;
    }
}
