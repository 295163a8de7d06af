package io.thermocline.hotness.stage1;

import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.Stage2Event;
import io.thermocline.hotness.state.WindowCounts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Stage 1: folds one closed window of one block into the block's decayed hotness
 * (heat = heat * decay^windows + accesses), honouring recent PFN moves, and sends the block's
 * summary to stage 2.
 */
public final class FoldProcessor implements Processor<Windowed<PfnBlockKey>, WindowCounts, HostKey, Stage2Event> {

    private final HotnessConfig config;
    private ProcessorContext<HostKey, Stage2Event> context;
    private Stage1Stores stores;

    public FoldProcessor(HotnessConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<HostKey, Stage2Event> context) {
        this.context = context;
        this.stores = new Stage1Stores(config, context);
    }

    @Override
    public void process(Record<Windowed<PfnBlockKey>, WindowCounts> record) {
        WindowCounts counts = record.value();
        if (counts == null) {
            return;
        }
        String host = record.key().key().getHost().toString();
        long block = record.key().key().getBlock();
        long start = record.key().window().start();
        long end = record.key().window().end();
        int shift = stores.shift();

        BlockState s = stores.load(host, block);
        if (counts.node() >= 0) {
            s.node(counts.node());
        }
        decayTo(s, end);
        s.expireForwards(end - config.moveTtlMs());
        Map<Long, BlockState> others = new LinkedHashMap<>();
        for (int k = 0; k < counts.size(); k++) {
            int off = counts.offsetAt(k);
            long c = counts.countAt(k);
            int f = s.forwardIndex(off);
            if (f >= 0 && s.forwardTime(f) > start) {
                // samples stamped before the move credit the moved page at its new frame
                long newPfn = s.forwardNewPfn(f);
                long nb = newPfn >> shift;
                BlockState t = nb == block ? s : others.computeIfAbsent(nb, b -> {
                    BlockState o = stores.load(host, b);
                    decayTo(o, end);
                    return o;
                });
                int newOff = (int) (newPfn - (nb << shift));
                int i = t.ensure(newOff, s.forwardOldGen(f) + 1);
                t.addHeatAt(i, c);
            } else {
                int i = s.ensure(off, f >= 0 ? s.forwardOldGen(f) + 1 : 0);
                s.addHeatAt(i, c);
            }
        }
        stores.save(host, block, s);
        HostKey hk = new HostKey(host);
        context.forward(record.withKey(hk).withValue(stores.summarize(host, block, s, end, counts.epoch()))
                .withTimestamp(end));
        for (Map.Entry<Long, BlockState> e : others.entrySet()) {
            stores.save(host, e.getKey(), e.getValue());
            context.forward(record.withKey(hk)
                    .withValue(stores.summarize(host, e.getKey(), e.getValue(), end, counts.epoch()))
                    .withTimestamp(end));
        }
    }

    private void decayTo(BlockState s, long end) {
        long last = s.lastWindowEndMs();
        if (last >= 0 && end > last) {
            long steps = (end - last) / config.windowAdvanceMs();
            if (steps > 0) {
                s.decay(Math.pow(config.decayFactor(), steps));
            }
        }
        if (end > last) {
            s.lastWindowEndMs(end);
        }
    }
}
