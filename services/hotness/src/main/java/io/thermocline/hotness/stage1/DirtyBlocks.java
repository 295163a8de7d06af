package io.thermocline.hotness.stage1;

import io.thermocline.avro.keys.HostKey;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.Stage2Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Blocks changed by owners or moves; summarized for stage 2 once per half window (stream time). */
final class DirtyBlocks {

    private final ProcessorContext<HostKey, Stage2Event> context;
    private final Stage1Stores stores;
    private final Map<String, Set<Long>> dirty = new LinkedHashMap<>();

    DirtyBlocks(HotnessConfig config, ProcessorContext<HostKey, Stage2Event> context, Stage1Stores stores) {
        this.context = context;
        this.stores = stores;
        context.schedule(Duration.ofMillis(Math.max(1, config.windowAdvanceMs() / 2)), PunctuationType.STREAM_TIME,
                this::flush);
    }

    void mark(String host, long block) {
        dirty.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(block);
    }

    private void flush(long timestamp) {
        List<Map.Entry<String, Set<Long>>> todo = new ArrayList<>(dirty.entrySet());
        dirty.clear();
        for (Map.Entry<String, Set<Long>> e : todo) {
            String host = e.getKey();
            HostKey key = new HostKey(host);
            for (long block : e.getValue()) {
                BlockState s = stores.load(host, block);
                long end = Math.max(s.lastWindowEndMs(), 0);
                context.forward(new Record<>(key, stores.summarize(host, block, s, end, -1), timestamp));
            }
        }
    }
}
