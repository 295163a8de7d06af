package io.thermocline.hotness.stage1;

import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.PfnKey;
import io.thermocline.avro.telemetry.PageOwner;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.OwnerInfo;
import io.thermocline.hotness.state.Stage2Event;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Stage 1 join with PageOwner: keeps each frame's owner (pid, VA, cgroup, comm, folio order) and
 * tracks owned pages (cold until sampled) so the coldest can be demoted even if never sampled.
 * A tombstone (frame freed) drops the frame's state. Blocks changed here are summarized when the host's next window closes.
 */
public final class OwnerProcessor implements Processor<PfnKey, PageOwner, HostKey, Stage2Event> {

    private static final int GEN_MASK = 0xFFFF;

    private final HotnessConfig config;
    private ProcessorContext<HostKey, Stage2Event> context;
    private Stage1Stores stores;
    private DirtyBlocks dirty;

    public OwnerProcessor(HotnessConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<HostKey, Stage2Event> context) {
        this.context = context;
        this.stores = new Stage1Stores(config, context);
        this.dirty = new DirtyBlocks(context);
    }

    @Override
    public void process(Record<PfnKey, PageOwner> record) {
        String host = record.key().getHost().toString();
        long pfn = record.key().getPfn();
        int shift = stores.shift();
        long block = pfn >> shift;
        int off = (int) (pfn - (block << shift));
        BlockState s = stores.load(host, block);
        PageOwner o = record.value();
        if (o == null) {
            stores.deleteOwner(host, pfn);
            int i = s.indexOf(off);
            if (i >= 0) {
                s.removeAt(i);
            }
        } else {
            stores.putOwner(host, pfn, OwnerInfo.of(o));
            int i = s.ensure(off, (int) (o.getGeneration() & GEN_MASK));
            if (((o.getGeneration() & GEN_MASK) > s.genAt(i))) {
                s.setGenAt(i, (int) (o.getGeneration() & GEN_MASK));
            }
            if (s.node() < 0 && o.getNode() >= 0) {
                s.node(o.getNode());
            }
        }
        stores.save(host, block, s);
        dirty.mark(host, block);
    }

}
