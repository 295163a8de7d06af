package io.thermocline.hotness.stage2;

import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.state.BlockSummary;
import io.thermocline.hotness.state.Candidate;
import io.thermocline.hotness.state.Counters;
import io.thermocline.hotness.state.Heat16;
import io.thermocline.hotness.state.HostState;
import io.thermocline.hotness.state.HostState.PageRef;
import io.thermocline.hotness.state.HostState.RecentMove;
import io.thermocline.hotness.state.HostView;
import io.thermocline.hotness.state.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Stage-2 decision rules for one host at one window, pure (no Streams types), so the same code runs
 * in the app and in the emulator policy:
 * <ol>
 *   <li>Memtis threshold: sum the blocks' log2 heat histograms (decayed to now); the hot threshold is
 *       the lowest bin such that pages counted from the hottest bin down fit the fast tier minus headroom.</li>
 *   <li>Pins win: a candidate living against its pin gets ENFORCE_PIN; pinned pages are never moved
 *       otherwise; conflicting pins leave the page alone (counted).</li>
 *   <li>Stale frames (moved since the summary) are dropped.</li>
 *   <li>TPP watermark, while the host allocates (tracked pages grew since the last window): demote the
 *       coldest fast pages while a node's free pages are under the watermark, if much colder than the
 *       hottest page waiting in a slower tier.</li>
 *   <li>Promote hot pages of slower tiers (hot for at least N consecutive windows, not demoted recently)
 *       to the fastest node with free capacity, nearest first; when full, exchange with a much colder page.</li>
 *   <li>All moves draw on one MB/s token bucket per host; every decision has a deterministic id and a deadline.</li>
 * </ol>
 */
public final class DecisionEngine {

    public static final long PAGE_BYTES = 4096;

    /** A candidate placed on its node, with the summary it came from. */
    record Page(Candidate c, int node, long evidenceMs, long epoch) {
        long heat() {
            return c.heat();
        }

        long pages() {
            return 1L << c.folioOrder();
        }
    }

    /** Outcome of one evaluation. */
    public record Result(List<MigrationDecision> decisions, long thresholdHeat, long hotPages, long trackedPages) {
    }

    /** Frames tombstoned by a move: a candidate with generation &lt;= the returned one is stale; -1 = not stale. */
    @FunctionalInterface
    public interface StaleFrames {
        int staleGeneration(long pfn);
    }

    /** Hottest first, then by PFN (deterministic decisions). */
    private static final Comparator<Page> HOTTEST_FIRST = (a, b) -> a.heat() != b.heat()
            ? Long.compare(b.heat(), a.heat()) : Long.compare(a.c().pfn(), b.c().pfn());
    /** Coldest first, then by PFN. */
    private static final Comparator<Page> COLDEST_FIRST = (a, b) -> a.heat() != b.heat()
            ? Long.compare(a.heat(), b.heat()) : Long.compare(a.c().pfn(), b.c().pfn());

    private final HotnessConfig config;

    public DecisionEngine(HotnessConfig config) {
        this.config = config;
    }

    public Result evaluate(String host, long nowMs, HostView view, HostState hs, Iterable<BlockSummary> summaries,
                           List<PolicyPin> pins, StaleFrames stale) {
        long advance = config.windowAdvanceMs();
        long window = nowMs / advance;
        double f = config.decayFactor();
        double binsPerWindow = f <= 0 ? 64 : -Math.log(f) / Math.log(2);
        long[] hist = new long[BlockSummary.BINS];
        List<Page> hot = new ArrayList<>();
        List<Page> cold = new ArrayList<>();
        List<Page> pinned = new ArrayList<>();
        for (BlockSummary s : summaries) {
            long dw = Math.max(0, (nowMs - s.windowEndMs()) / advance);
            double scale = Math.pow(f, dw);
            int shift = (int) Math.min(64, Math.round(dw * binsPerWindow));
            long[] h = s.histogram();
            for (int b = 0; b < h.length; b++) {
                if (h[b] != 0) {
                    hist[b == 0 ? 0 : Math.max(0, b - shift)] += h[b];
                }
            }
            addAll(hot, s.hot(), s, scale);
            addAll(cold, s.cold(), s, scale);
            addAll(pinned, s.pinned(), s, scale);
        }
        hs.count(Counters.EVALUATIONS, 1);
        long tracked = 0;
        for (long c : hist) {
            tracked += c;
        }
        List<NodeInfo> nodes = view.nodes();
        if (nodes.isEmpty()) {
            return new Result(List.of(), view.threshold(), 0, tracked);
        }
        int fastRank = view.minRank();
        long fastCap = nodes.stream().filter(n -> n.tierRank() == fastRank).mapToLong(NodeInfo::capacityPages).sum();
        long target = (long) (fastCap * (1.0 - config.fastHeadroom()));
        int thresholdBin = 1;
        long cum = 0;
        long hotPages = 0;
        for (int b = BlockSummary.BINS - 1; b >= 1; b--) {
            if (cum + hist[b] > target) {
                thresholdBin = b + 1;
                break;
            }
            cum += hist[b];
        }
        hotPages = cum;
        long threshold = Math.max(1, Heat16.binFloor(Math.min(thresholdBin, BlockSummary.BINS - 1)));
        view.threshold(threshold);

        // free headroom (the TPP watermark) only while the host allocates: kept-free fast frames are lost hits
        // when the footprint is static (uniform: -0.0025 at a 1% watermark), worth it while pages arrive (lackey)
        boolean allocating = tracked > Math.max(0, hs.trackedPages);
        hs.trackedPages = tracked;
        Set<Long> seen = new HashSet<>();
        Plan plan = new Plan(host, nowMs, window, view, hs, allocating);

        // 1. pins: enforce first (without pins every page is unpinned)
        List<Page> judged = new ArrayList<>();
        if (!pins.isEmpty()) {
            judged.addAll(pinned);
            judged.addAll(hot);
            judged.addAll(cold);
        }
        Set<Long> pinnedPfns = new HashSet<>();
        for (Page p : judged) {
            if (!pinnedPfns.add(p.c().pfn()) || isStale(stale, p)) {
                continue;
            }
            Pins.Judgement j = Pins.judge(pins, p.c().pid(), p.c().vaddr(), p.c().cgroup(), p.c().comm(), p.node(), view);
            switch (j.verdict()) {
                case UNPINNED -> pinnedPfns.remove(p.c().pfn());
                case CONFLICT -> hs.count(Counters.PIN_CONFLICTS, 1);
                case SATISFIED -> { }
                case VIOLATED -> {
                    int to = pinTarget(j.pin(), p, plan);
                    if (to < 0) {
                        hs.count(Counters.NO_CAPACITY, 1);
                    } else {
                        plan.emit(p, to, DecisionReason.ENFORCE_PIN);
                    }
                }
            }
        }

        // 2. promotion candidates: hot, on a slower tier, stable, not recently demoted
        Map<PageRef, HostState.Streak> streaks = new HashMap<>();
        Map<Page, Integer> streakOf = new HashMap<>();
        List<Page> promote = new ArrayList<>();
        long demandHeat = 0; // hottest page waiting in a slower tier, held or not
        for (Page p : hot) {
            long pfn = p.c().pfn();
            if (!seen.add(pfn)) {
                continue;
            }
            if (isStale(stale, p)) {
                // the page moved: no decision for the old frame, but its streak follows the page (pid, VA)
                hs.count(Counters.STALE_DROPPED, 1);
                PageRef moved = new PageRef(p.c().pid(), p.c().vaddr());
                HostState.Streak st = hs.hotStreak.get(moved);
                if (st != null) {
                    streaks.putIfAbsent(moved, st);
                }
                continue;
            }
            if (p.heat() < threshold || view.rankOf(p.node()) <= fastRank) {
                continue;
            }
            if (pinnedPfns.contains(pfn)) {
                hs.count(Counters.PIN_BLOCKED, 1);
                continue;
            }
            demandHeat = Math.max(demandHeat, p.heat());
            PageRef ref = new PageRef(p.c().pid(), p.c().vaddr());
            RecentMove rm = hs.recent.get(ref);
            if (rm != null && window - rm.window() < config.cooldownWindows()) {
                // demoted recently (ping-pong guard), or promoted recently and the move is still in flight
                hs.count(rm.direction() < 0 ? Counters.COOLDOWN_BLOCKED : Counters.IN_FLIGHT, 1);
                continue;
            }
            // a streak counts sampling windows of evidence, not evaluations
            long ew = p.evidenceMs() / advance;
            HostState.Streak prev = hs.hotStreak.get(ref);
            HostState.Streak cur = prev == null ? new HostState.Streak(1, ew)
                    : ew == prev.lastWindow() + 1 ? new HostState.Streak(prev.count() + 1, ew)
                    : ew > prev.lastWindow() + 1 ? new HostState.Streak(1, ew) : prev;
            streaks.put(ref, cur);
            if (cur.count() < config.promoteMinHotWindows()) {
                hs.count(Counters.HYSTERESIS_HELD, 1);
                continue;
            }
            promote.add(p);
            streakOf.put(p, cur.count());
        }
        // keep streaks of pages not seen this time for one more window (their block may not have been refolded)
        hs.hotStreak.values().removeIf(st -> st.lastWindow() < window - 2);
        hs.hotStreak.putAll(streaks);
        promote.sort(HOTTEST_FIRST);

        // 3. demotion candidates per node, coldest first
        Map<Integer, Deque<Page>> coldByNode = new TreeMap<>();
        seen.clear();
        List<Page> coldSorted = new ArrayList<>(cold);
        coldSorted.sort(COLDEST_FIRST);
        int slowRank = view.maxRank();
        for (Page p : coldSorted) {
            long pfn = p.c().pfn();
            if (!seen.add(pfn) || p.heat() >= threshold || view.rankOf(p.node()) >= slowRank) {
                continue;
            }
            if (isStale(stale, p)) {
                hs.count(Counters.STALE_DROPPED, 1);
                continue;
            }
            if (pinnedPfns.contains(pfn)) {
                continue;
            }
            RecentMove rm = hs.recent.get(new PageRef(p.c().pid(), p.c().vaddr()));
            if (rm != null && window - rm.window() < config.cooldownWindows()) {
                hs.count(rm.direction() > 0 ? Counters.COOLDOWN_BLOCKED : Counters.IN_FLIGHT, 1);
                continue;
            }
            coldByNode.computeIfAbsent(p.node(), n -> new ArrayDeque<>()).add(p);
        }

        // 4. TPP: keep free headroom above the watermark on every node that can demote - only for pages much
        //    colder than the hottest page waiting below: demoting a page as hot as those that would take its
        //    place trades fast-tier hits for two copies (uniform access; sampling noise)
        long demoteBelow = (long) (demandHeat * config.demoteMaxHeatRatio());
        for (NodeInfo n : nodes) {
            Deque<Page> q = coldByNode.get(n.node());
            while (q != null && !q.isEmpty() && plan.free(n.node()) < plan.watermark(n.node()) && !plan.exhausted
                    && demandHeat > 0 && q.peekFirst().heat() <= demoteBelow) {
                Page c = q.peekFirst();
                int to = plan.slowerTarget(c.node(), c.pages());
                if (to < 0) {
                    break;
                }
                q.pollFirst();
                plan.emit(c, to, DecisionReason.DEMOTE_COLD);
            }
        }

        // 5. promotions, exchanging with much colder pages when the faster tiers are full
        for (Page p : promote) {
            if (plan.exhausted) {
                hs.count(Counters.RATE_LIMITED, 1);
                continue;
            }
            int to = plan.fasterTarget(p.node(), p.pages());
            if (to < 0) {
                if (streakOf.getOrDefault(p, 0) < config.exchangeMinHotWindows()) {
                    hs.count(Counters.HYSTERESIS_HELD, 1);
                    continue;
                }
                to = exchange(plan, p, coldByNode);
            }
            if (to < 0) {
                hs.count(Counters.NO_CAPACITY, 1);
                continue;
            }
            plan.emit(p, to, DecisionReason.PROMOTE_HOT);
        }

        hs.recent.values().removeIf(rm -> window - rm.window() >= Math.max(1, config.cooldownWindows()));
        hs.lastEvalWindow = window;
        return new Result(plan.decisions, threshold, hotPages, tracked);
    }

    /** Frees room on the best faster node by demoting one of its much colder pages; returns that node or -1. */
    private int exchange(Plan plan, Page p, Map<Integer, Deque<Page>> coldByNode) {
        int rank = plan.view.rankOf(p.node());
        List<NodeInfo> faster = new ArrayList<>(plan.view.nodes().stream().filter(n -> n.tierRank() < rank).toList());
        NodeInfo from = plan.view.node(p.node());
        faster.sort(Comparator.comparingInt(NodeInfo::tierRank)
                .thenComparingInt(n -> from == null ? 0 : from.distanceTo(n.node(), n.tierRank()))
                .thenComparingInt(NodeInfo::node));
        for (NodeInfo n : faster) {
            Deque<Page> q = coldByNode.get(n.node());
            if (q == null || q.isEmpty()) {
                continue;
            }
            Page c = q.peekFirst();
            if (c.heat() > p.heat() * config.demoteMaxHeatRatio()) {
                continue;
            }
            int to = plan.slowerTarget(n.node(), c.pages());
            if (to < 0) {
                continue;
            }
            q.pollFirst();
            if (!plan.emit(c, to, DecisionReason.DEMOTE_COLD)) {
                return -1;
            }
            if (plan.free(n.node()) - p.pages() >= 0) {
                return n.node();
            }
        }
        return -1;
    }

    private int pinTarget(PolicyPin pin, Page p, Plan plan) {
        if (pin.getWantedNode() != null) {
            int n = pin.getWantedNode();
            return plan.view.node(n) != null && plan.free(n) >= p.pages() ? n : -1;
        }
        NodeInfo from = plan.view.node(p.node());
        return plan.view.nodes().stream()
                .filter(n -> n.tier() == pin.getWantedTier() && plan.free(n.node()) >= p.pages())
                .min(Comparator.comparingInt((NodeInfo n) -> from == null ? 0 : from.distanceTo(n.node(), n.tierRank()))
                        .thenComparingInt(NodeInfo::node))
                .map(NodeInfo::node).orElse(-1);
    }

    private static boolean isStale(StaleFrames stale, Page p) {
        int g = stale.staleGeneration(p.c().pfn());
        return g >= 0 && p.c().generation() <= g;
    }

    private static void addAll(List<Page> out, List<Candidate> list, BlockSummary s, double scale) {
        for (Candidate c : list) {
            out.add(new Page(scale >= 1.0 ? c : c.withHeat((long) (c.heat() * scale)), s.node(), s.windowEndMs(),
                    s.epoch()));
        }
    }

    /** Decisions being planned: free pages per node and the host's rate-limit bucket. */
    private final class Plan {
        final String host;
        final long nowMs;
        final long window;
        final HostView view;
        final HostState hs;
        final Map<Integer, Long> free = new HashMap<>();
        final List<MigrationDecision> decisions = new ArrayList<>();
        boolean exhausted;
        final boolean keepHeadroom;

        Plan(String host, long nowMs, long window, HostView view, HostState hs, boolean keepHeadroom) {
            this.host = host;
            this.keepHeadroom = keepHeadroom;
            this.nowMs = nowMs;
            this.window = window;
            this.view = view;
            this.hs = hs;
            for (NodeInfo n : view.nodes()) {
                free.put(n.node(), n.freePages());
            }
            double rate = config.rateLimitBytesPerMs();
            double cap = rate * Math.max(config.windowMs(), 1000);
            if (hs.tokensBytes < 0 || hs.lastRefillMs < 0) {
                hs.tokensBytes = cap;
            } else if (nowMs > hs.lastRefillMs) {
                hs.tokensBytes = Math.min(cap, hs.tokensBytes + (nowMs - hs.lastRefillMs) * rate);
            }
            hs.lastRefillMs = Math.max(hs.lastRefillMs, nowMs);
        }

        long free(int node) {
            return free.getOrDefault(node, 0L);
        }

        long watermark(int node) {
            NodeInfo n = view.node(node);
            return n == null || !keepHeadroom ? 0 : (long) Math.ceil(n.capacityPages() * config.fastWatermark());
        }

        /** Fastest node faster than {@code node} with free pages above its watermark; nearest first. */
        int fasterTarget(int node, long pages) {
            int rank = view.rankOf(node);
            NodeInfo from = view.node(node);
            return view.nodes().stream()
                    .filter(n -> n.tierRank() < rank && free(n.node()) - pages >= watermark(n.node()))
                    .min(Comparator.comparingInt(NodeInfo::tierRank)
                            .thenComparingInt(n -> from == null ? 0 : from.distanceTo(n.node(), n.tierRank()))
                            .thenComparingInt(NodeInfo::node))
                    .map(NodeInfo::node).orElse(-1);
        }

        /** Next slower tier's nearest node with free pages; -1 when none. */
        int slowerTarget(int node, long pages) {
            int rank = view.rankOf(node);
            NodeInfo from = view.node(node);
            return view.nodes().stream()
                    .filter(n -> n.tierRank() > rank && free(n.node()) - pages >= 0)
                    .min(Comparator.comparingInt(NodeInfo::tierRank)
                            .thenComparingInt(n -> from == null ? 0 : from.distanceTo(n.node(), n.tierRank()))
                            .thenComparingInt(NodeInfo::node))
                    .map(NodeInfo::node).orElse(-1);
        }

        /** Emits a decision if the rate limit allows; false (and exhausted) otherwise. */
        boolean emit(Page p, int to, DecisionReason reason) {
            long bytes = p.pages() * PAGE_BYTES;
            if (hs.tokensBytes < bytes) {
                exhausted = true;
                hs.count(Counters.RATE_LIMITED, 1);
                return false;
            }
            hs.tokensBytes -= bytes;
            free.merge(to, -p.pages(), Long::sum);
            free.merge(p.node(), p.pages(), Long::sum);
            Candidate c = p.c();
            String idSeed = host + '|' + c.pfn() + '|' + c.generation() + '|' + reason + '|' + p.node() + '|' + to
                    + '|' + window;
            decisions.add(MigrationDecision.newBuilder()
                    .setDecisionId(UUID.nameUUIDFromBytes(idSeed.getBytes(StandardCharsets.UTF_8)).toString())
                    .setHost(host).setPid(c.pid()).setVaddr(c.vaddr()).setPfn(c.pfn())
                    .setPfnGeneration(c.generation()).setFromNode(p.node()).setToNode(to)
                    .setFolioOrder(c.folioOrder()).setReason(reason).setScore(c.heat())
                    .setEpoch(p.epoch()).setEvidenceMs(Instant.ofEpochMilli(p.evidenceMs()))
                    .setCreatedMs(Instant.ofEpochMilli(nowMs))
                    .setDeadlineMs(Instant.ofEpochMilli(nowMs + config.decisionDeadlineMs())).build());
            hs.count(Counters.DECISIONS, 1);
            int dir = reason == DecisionReason.PROMOTE_HOT ? 1 : reason == DecisionReason.DEMOTE_COLD ? -1 : 0;
            hs.count(dir > 0 ? Counters.PROMOTIONS : dir < 0 ? Counters.DEMOTIONS : Counters.ENFORCEMENTS, 1);
            if (dir != 0) {
                hs.recent.put(new PageRef(c.pid(), c.vaddr()), new RecentMove(window, dir));
            }
            return true;
        }
    }
}
