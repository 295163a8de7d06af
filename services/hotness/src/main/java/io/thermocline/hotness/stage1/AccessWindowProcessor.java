package io.thermocline.hotness.stage1;

import io.thermocline.avro.keys.HostKey;
import io.thermocline.avro.keys.PfnBlockKey;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.HotnessTopology;
import io.thermocline.hotness.errors.InvalidRecordException;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.HostClock;
import io.thermocline.hotness.state.OpenWindows;
import io.thermocline.hotness.state.Stage2Event;
import io.thermocline.hotness.state.StoreKeys;
import io.thermocline.hotness.state.WindowClosed;
import io.thermocline.hotness.state.WindowCounts;
import io.thermocline.topics.HostPartitioning;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 1, samples: aggregates PageAccessBatch into per-window counts of each (host, block), kept in a RocksDB
 * store with one value per block holding its open windows ({@link OpenWindows}), and closes windows <em>per
 * host</em> - on the host's end-of-window marker, or when the host's own event time
 * passes window end + grace - never on the task's stream time, so a host whose sampler lags its
 * partition-mates loses nothing. On close, each block's counts are folded into its decayed hotness
 * (heat = heat * decay^windows + accesses, honouring recent PFN moves), the summaries of folded and dirty
 * blocks go to stage 2, then a {@link WindowClosed} tells stage 2 to evaluate the host.
 */
public final class AccessWindowProcessor implements Processor<PfnBlockKey, PageAccessBatch, HostKey, Stage2Event> {

    private final HotnessConfig config;
    private final long size;
    private final long advance;
    private final long grace;
    private final Map<String, Integer> partitionOfHost = new HashMap<>();
    /**
     * Open windows' decoded counts this task holds at most (a block's window is ~4 bytes per sampled page); the
     * store stays the record, a window beyond the bound is read back from it at close.
     */
    static final int MAX_CACHED_WINDOWS = 1 << 13;
    /**
     * Per host: window start to the blocks holding samples in it, each with its counts as last written to the
     * open-windows store or null (not kept: read the store). Rebuilt from the store, without counts, in init; this
     * processor is the store's only writer.
     */
    private final Map<String, TreeMap<Long, TreeMap<Long, WindowCounts>>> open = new HashMap<>();
    private int cachedWindows;
    private ProcessorContext<HostKey, Stage2Event> context;
    private Stage1Stores stores;
    private DirtyBlocks dirty;
    private KeyValueStore<Bytes, byte[]> windows;
    private KeyValueStore<String, byte[]> clocks;

    public AccessWindowProcessor(HotnessConfig config) {
        this.config = config;
        this.size = config.windowMs();
        this.advance = config.windowAdvanceMs();
        this.grace = config.windowGraceMs();
    }

    @Override
    public void init(ProcessorContext<HostKey, Stage2Event> context) {
        this.context = context;
        this.stores = new Stage1Stores(config, context, true);
        this.dirty = new DirtyBlocks(context);
        this.windows = context.getStateStore(HotnessTopology.OPEN_WINDOWS_STORE);
        this.clocks = context.getStateStore(HotnessTopology.HOST_CLOCK_STORE);
        // the open (host, window, block) entries, from the restored store
        open.clear();
        cachedWindows = 0;
        try (KeyValueIterator<Bytes, byte[]> it = windows.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                for (long start : OpenWindows.starts(kv.value)) {
                    blocksOf(StoreKeys.hostPart(kv.key), start).put(StoreKeys.longPart(kv.key), null);
                }
            }
        }
    }

    private TreeMap<Long, WindowCounts> blocksOf(String host, long windowStart) {
        return open.computeIfAbsent(host, h -> new TreeMap<>()).computeIfAbsent(windowStart, w -> new TreeMap<>());
    }

    @Override
    public void process(Record<PfnBlockKey, PageAccessBatch> record) {
        PageAccessBatch b = record.value();
        if (b == null) {
            return;
        }
        try {
            process(record, b);
        } catch (RuntimeException e) {
            // the record goes to the DLQ and processing goes on: what was written before the failure stays in the
            // stores, so the decoded copies (perhaps changed and not written) must not outlive it
            forgetDecoded();
            throw e;
        }
    }

    private void process(Record<PfnBlockKey, PageAccessBatch> record, PageAccessBatch b) {
        String host = b.getHost().toString();
        checkPartition(host);
        HostClock clock = HostClock.fromBytes(clocks.get(host));
        long event0 = clock.eventTimeMs;
        long closed0 = clock.closedUpToMs;
        long start = b.getWindowStartMs().toEpochMilli();
        if (!b.getEntries().isEmpty() || !b.getWindowComplete()) {
            if (clock.closedUpToMs == Long.MIN_VALUE) {
                // the host's first samples: no earlier window of it exists to close
                clock.closedUpToMs = Math.floorDiv(start, advance) * advance;
            }
            add(host, b, start, clock);
            clock.eventTimeMs = Math.max(clock.eventTimeMs, start);
        }
        long watermark = clock.eventTimeMs == Long.MIN_VALUE ? Long.MIN_VALUE : clock.eventTimeMs - grace;
        if (b.getWindowComplete()) {
            watermark = Math.max(watermark, b.getWindowEndMs().toEpochMilli());
        }
        close(host, clock, watermark, record.timestamp());
        if (clock.eventTimeMs != event0 || clock.closedUpToMs != closed0) {
            clocks.put(host, clock.toBytes()); // most batches of a window leave the clock as it was
        }
    }

    /** Drops the decoded window counts and block states: the stores are read again. */
    private void forgetDecoded() {
        stores.forgetStates();
        for (TreeMap<Long, TreeMap<Long, WindowCounts>> byWindow : open.values()) {
            for (TreeMap<Long, WindowCounts> blocks : byWindow.values()) {
                blocks.replaceAll((block, counts) -> null);
            }
        }
        cachedWindows = 0;
    }

    /** Adds the batch to every window of the host that holds {@code start} and is still open. */
    private void add(String host, PageAccessBatch b, long start, HostClock clock) {
        long block = b.getBlock();
        Bytes key = StoreKeys.hostLong(host, block);
        long first = Math.floorDiv(start - size, advance) * advance + advance; // earliest start with start < s + size
        byte[] value = null;
        boolean read = false;
        boolean added = false;
        for (long s = first; s <= start; s += advance) {
            if (s + size <= clock.closedUpToMs) {
                continue;
            }
            TreeMap<Long, WindowCounts> blocks = blocksOf(host, s);
            WindowCounts counts = blocks.get(block);
            boolean kept = counts != null;
            if (!read && (!kept || openElsewhere(host, block, s))) {
                // no lookup for a block the index knows no open window of
                value = openElsewhere(host, block, Long.MIN_VALUE) ? windows.get(key) : null;
                read = true;
            }
            if (!kept) {
                byte[] prev = OpenWindows.counts(value, s);
                counts = prev == null ? WindowCounts.empty() : WindowCounts.fromBytes(prev);
            }
            counts.add(b);
            if (!read) {
                // every open window of the block is this one and kept: the value is rebuilt without reading it
                value = null;
                read = true;
            }
            value = OpenWindows.with(value, s, counts.toBytes());
            if (!kept && cachedWindows < MAX_CACHED_WINDOWS) {
                cachedWindows++;
                kept = true;
            }
            blocks.put(block, kept ? counts : null);
            added = true;
        }
        if (!added) {
            throw new InvalidRecordException("late batch: host " + host + " window starting " + start
                    + " is already closed (windows up to " + clock.closedUpToMs + " closed by its marker or event time)");
        }
        windows.put(key, value);
    }

    /** Whether the index has an open window of the block other than the one starting at {@code except}. */
    private boolean openElsewhere(String host, long block, long except) {
        TreeMap<Long, TreeMap<Long, WindowCounts>> byWindow = open.get(host);
        if (byWindow != null) {
            for (Map.Entry<Long, TreeMap<Long, WindowCounts>> w : byWindow.entrySet()) {
                if (w.getKey() != except && w.getValue().containsKey(block)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Folds and forgets every window of the host that ends at or before the watermark, oldest first; when the
     * watermark passed a window end, stage 2 evaluates the host (also for a window without samples: owners,
     * moves and node changes count too).
     */
    private void close(String host, HostClock clock, long watermark, long timestamp) {
        if (watermark == Long.MIN_VALUE || watermark <= clock.closedUpToMs) {
            return;
        }
        long lastStart = Math.floorDiv(watermark - size, advance) * advance;
        long lastEnd = lastStart + size;
        if (lastEnd <= clock.closedUpToMs) {
            clock.closedUpToMs = watermark; // no window boundary passed
            return;
        }
        stores.forgetView();
        TreeSet<Long> touched = new TreeSet<>();
        for (DirtyBlocks.Dirty d : dirty.drain(host)) {
            touched.add(d.block());
            stores.forgetState(host, d.block()); // written by the owner or move processor since
            if (d.ownersChanged()) {
                stores.forgetOwners(host, d.block());
            }
        }
        // blocks summarized with cold pages cut: summarized again, uncut, at the next close unless refolded then
        Set<Long> cut = new HashSet<>();
        TreeMap<Long, TreeMap<Long, WindowCounts>> hostOpen = open.get(host);
        if (hostOpen != null) {
            NavigableMap<Long, TreeMap<Long, WindowCounts>> due = hostOpen.headMap(lastStart, true);
            HostKey hk = new HostKey(host);
            for (Map.Entry<Long, TreeMap<Long, WindowCounts>> w : due.entrySet()) {
                long s = w.getKey();
                long end = s + size;
                Map<Long, BlockState> changed = new LinkedHashMap<>();
                long epoch = -1;
                for (Map.Entry<Long, WindowCounts> bc : w.getValue().entrySet()) {
                    long block = bc.getKey();
                    Bytes key = StoreKeys.hostLong(host, block);
                    WindowCounts counts = bc.getValue();
                    byte[] value = windows.get(key);
                    if (counts != null) {
                        cachedWindows--;
                    } else {
                        byte[] v = OpenWindows.counts(value, s);
                        if (v == null) {
                            continue;
                        }
                        counts = WindowCounts.fromBytes(v);
                    }
                    fold(host, block, s, end, counts, changed);
                    epoch = Math.max(epoch, counts.epoch());
                    byte[] rest = value == null ? null : OpenWindows.without(value, s);
                    if (rest == null) {
                        windows.delete(key);
                    } else {
                        windows.put(key, rest);
                    }
                }
                for (Map.Entry<Long, BlockState> e : changed.entrySet()) {
                    stores.save(host, e.getKey(), e.getValue());
                    touched.remove(e.getKey());
                    cut.remove(e.getKey());
                    context.forward(new Record<>(hk, stores.summarize(host, e.getKey(), e.getValue(), end, epoch,
                            true), end));
                    if (stores.lastCut()) {
                        cut.add(e.getKey());
                    }
                }
            }
            due.clear();
            if (hostOpen.isEmpty()) {
                open.remove(host);
            }
        }
        forwardDirty(host, touched, timestamp);
        for (long block : cut) {
            dirty.markCut(host, block);
        }
        clock.closedUpToMs = watermark;
        context.forward(new Record<>(new HostKey(host), new WindowClosed(host, lastEnd), Math.max(timestamp, lastEnd)));
    }

    private void forwardDirty(String host, TreeSet<Long> blocks, long timestamp) {
        HostKey hk = new HostKey(host);
        for (long block : blocks) {
            BlockState s = stores.load(host, block);
            long end = Math.max(s.lastWindowEndMs(), 0);
            context.forward(new Record<>(hk, stores.summarize(host, block, s, end, -1, false),
                    Math.max(timestamp, end)));
        }
    }

    /** One window of one block into its decayed hotness; samples stamped before a move credit the moved page. */
    private void fold(String host, long block, long start, long end, WindowCounts counts,
                      Map<Long, BlockState> changed) {
        int shift = stores.shift();
        double factor = 1.0; // decay still to apply: a block first met in this window decays with the count added
        BlockState s = changed.get(block);
        if (s == null) {
            s = stores.load(host, block);
            factor = advance(s, end);
            changed.put(block, s);
        }
        if (counts.node() >= 0) {
            s.node(counts.node());
        }
        s.expireForwards(end - config.moveTtlMs());
        if (s.forwardCount() == 0) {
            // no page moved out of the block lately: one merge pass over the (ascending) offsets
            s.decayAndAdd(factor, counts);
            return;
        }
        s.decay(factor);
        for (int k = 0; k < counts.size(); k++) {
            int off = counts.offsetAt(k);
            long c = counts.countAt(k);
            int f = s.forwardIndex(off);
            if (f >= 0 && s.forwardTime(f) > start) {
                long newPfn = s.forwardNewPfn(f);
                long nb = newPfn >> shift;
                BlockState t = nb == block ? s : changed.computeIfAbsent(nb, x -> decayed(host, x, end));
                int i = t.ensure((int) (newPfn - (nb << shift)), s.forwardOldGen(f) + 1);
                t.addHeatAt(i, c);
            } else {
                int i = s.ensure(off, f >= 0 ? s.forwardOldGen(f) + 1 : 0);
                s.addHeatAt(i, c);
            }
        }
    }

    private BlockState decayed(String host, long block, long end) {
        BlockState s = stores.load(host, block);
        s.decay(advance(s, end));
        return s;
    }

    /** Moves the block's clock to a window ending at {@code end}; returns the decay factor of the windows passed. */
    private double advance(BlockState s, long end) {
        long last = s.lastWindowEndMs();
        double factor = 1.0;
        if (last >= 0 && end > last) {
            long steps = (end - last) / advance;
            if (steps > 0) {
                factor = Math.pow(config.decayFactor(), steps);
            }
        }
        if (end > last) {
            s.lastWindowEndMs(end);
        }
        return factor;
    }

    /** Every batch of a host must reach the one task that holds the host: else its windows would be split. */
    private void checkPartition(String host) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        if (md == null) {
            return;
        }
        int expected = partitionOfHost.computeIfAbsent(host, h -> HostPartitioning.partition(h, config.partitions()));
        if (md.partition() != expected) {
            throw new InvalidRecordException("host " + host + " read from " + md.topic() + " partition "
                    + md.partition() + ", expected partition " + expected + " of " + config.partitions()
                    + ": tc.page-access must be partitioned by host (HostPartitioning), or set "
                    + HotnessConfig.ACCESS_REPARTITION + "=true");
        }
    }
}
