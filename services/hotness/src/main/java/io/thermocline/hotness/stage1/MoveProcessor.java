package io.thermocline.hotness.stage1;

import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.MoveNotice;
import io.thermocline.hotness.state.OwnerInfo;
import io.thermocline.hotness.state.Stage2Event;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Stage 1: a page moved to a new frame. The old PFN's state is tombstoned (a short-lived
 * forwarding entry remains so late samples credit the moved page), its heat is carried to the new
 * PFN with generation + 1, its owner is re-keyed, and stage 2 learns the old (pfn, generation) is stale.
 * Both blocks are summarized again when the host's next window closes (not per move: moves come in bursts).
 */
public final class MoveProcessor implements Processor<HostKey, PfnMove, HostKey, Stage2Event> {

    private static final int GEN_MASK = 0xFFFF;

    private final HotnessConfig config;
    private ProcessorContext<HostKey, Stage2Event> context;
    private Stage1Stores stores;
    private DirtyBlocks dirty;

    public MoveProcessor(HotnessConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<HostKey, Stage2Event> context) {
        this.context = context;
        this.stores = new Stage1Stores(config, context);
        this.dirty = new DirtyBlocks(context);
    }

    @Override
    public void process(Record<HostKey, PfnMove> record) {
        PfnMove m = record.value();
        if (m == null) {
            return;
        }
        String host = m.getHost().toString();
        int shift = stores.shift();
        long oldPfn = m.getOldPfn();
        long newPfn = m.getNewPfn();
        long oldBlock = oldPfn >> shift;
        long newBlock = newPfn >> shift;
        int oldOff = (int) (oldPfn - (oldBlock << shift));
        int newOff = (int) (newPfn - (newBlock << shift));

        OwnerInfo owner = stores.owner(host, oldPfn);
        BlockState src = stores.load(host, oldBlock);
        int i = src.indexOf(oldOff);
        long heat = i >= 0 ? src.heatAt(i) : 0;
        int oldGen = i >= 0 ? src.genAt(i) : owner == null ? 0 : (int) (owner.generation() & GEN_MASK);
        if (i >= 0) {
            src.removeAt(i);
        }
        src.addForward(oldOff, newPfn, m.getTimeMs().toEpochMilli(), oldGen);
        if (src.node() < 0 && m.getOldNode() >= 0) {
            src.node(m.getOldNode());
        }

        BlockState dst = newBlock == oldBlock ? src : stores.load(host, newBlock);
        if (dst.node() < 0 && m.getNewNode() >= 0) {
            dst.node(m.getNewNode());
        }
        if (dst.lastWindowEndMs() < src.lastWindowEndMs()) {
            dst.lastWindowEndMs(src.lastWindowEndMs());
        }
        dst.removeForward(newOff);
        int newGen = (oldGen + 1) & GEN_MASK;
        int j = dst.indexOf(newOff);
        if (j >= 0) {
            // state of the frame's previous content: the new content outranks it
            newGen = Math.max(newGen, (dst.genAt(j) + 1) & GEN_MASK);
        } else {
            j = dst.ensure(newOff, newGen);
        }
        dst.setGenAt(j, newGen);
        dst.setHeatAt(j, heat);

        OwnerInfo moved = owner != null
                ? owner.movedTo(m.getNewNode(), newGen)
                : new OwnerInfo(newGen, m.getPid(), m.getVaddr(), 0, false, m.getNewNode(), null, null);
        stores.deleteOwner(host, oldPfn);
        stores.putOwner(host, newPfn, moved);

        stores.save(host, oldBlock, src);
        if (dst != src) {
            stores.save(host, newBlock, dst);
        }
        long t = record.timestamp();
        context.forward(record.withKey(new HostKey(host))
                .withValue(new MoveNotice(host, oldPfn, oldGen, newPfn, newGen, t)));
        dirty.mark(host, oldBlock);
        dirty.mark(host, newBlock);
    }
}
