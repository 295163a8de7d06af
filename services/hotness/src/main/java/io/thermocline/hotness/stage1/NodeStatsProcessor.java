package io.thermocline.hotness.stage1;

import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.NodeKey;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.state.HostView;
import io.thermocline.hotness.state.NodeInfo;
import io.thermocline.hotness.state.NodeUpdate;
import io.thermocline.hotness.state.Stage2Event;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps each host's node view (tier, rank, capacity, free pages, distances) for both stages. */
public final class NodeStatsProcessor implements Processor<NodeKey, NodeStats, HostKey, Stage2Event> {

    private ProcessorContext<HostKey, Stage2Event> context;
    private KeyValueStore<String, byte[]> views;

    @Override
    public void init(ProcessorContext<HostKey, Stage2Event> context) {
        this.context = context;
        this.views = context.getStateStore(HotnessTopology.HOST_VIEW_STORE);
    }

    @Override
    public void process(Record<NodeKey, NodeStats> record) {
        if (record.value() == null) {
            return;
        }
        String host = record.value().getHost().toString();
        HostView v = HostView.fromBytes(views.get(host));
        v.put(NodeInfo.of(record.value()));
        views.put(host, v.toBytes());
        context.forward(record.withKey(new HostKey(host)).withValue(new NodeUpdate(host)));
    }
}
