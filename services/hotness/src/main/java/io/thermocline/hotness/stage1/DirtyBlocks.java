package io.thermocline.hotness.stage1;

import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.state.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Blocks changed by owners or moves since the host's last window close, kept in a (logged) store shared by
 * the stage-1 processors of a task; the window processor summarizes them for stage 2 when the host's next
 * window closes, so each evaluation sees the moves and owners that arrived before it.
 */
final class DirtyBlocks {

    private static final byte[] MARK = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;

    DirtyBlocks(ProcessingContext context) {
        this.store = context.getStateStore(HotnessTopology.DIRTY_STORE);
    }

    void mark(String host, long block) {
        store.put(StoreKeys.hostLong(host, block), MARK);
    }

    /** The host's dirty blocks, ascending; they are clean afterwards. */
    List<Long> drain(String host) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(StoreKeys.hostPrefix(host), new BytesSerializer())) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        List<Long> blocks = new ArrayList<>(keys.size());
        for (Bytes k : keys) {
            blocks.add(StoreKeys.longPart(k));
            store.delete(k);
        }
        return blocks;
    }
}
