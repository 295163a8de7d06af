package io.thermocline.migrator.kernel;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.migrator.AppliedDecisions;
import io.thermocline.migrator.DecisionExecutor;
import io.thermocline.migrator.PinTable;
import io.thermocline.migrator.RateLimiter;
import io.thermocline.migrator.linux.LinuxMigrationTarget;
import io.thermocline.migrator.linux.MovePages;
import io.thermocline.sampler.OwnerObservation;
import io.thermocline.sampler.OwnerTracker;
import io.thermocline.sampler.linux.DamonRegions;
import io.thermocline.sampler.linux.DamonSysfs;
import io.thermocline.sampler.linux.LinuxFs;
import io.thermocline.sampler.linux.LinuxOwnerScanner;
import io.thermocline.sampler.linux.NodeTopology;
import io.thermocline.sampler.linux.Pagemap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs inside the QEMU guest of {@link LinuxKernelIT} as root, against the real kernel, with the project's Linux
 * backends only. Prints one {@code TC-RESULT name=... ok=... detail=...} line per check; the IT asserts them.
 *
 * <p>Usage: {@code GuestKernelChecks <readyFile>} (the ready file is written by {@link GuestWorkload}).
 */
public final class GuestKernelChecks {

    static final String HOST = "qemu-guest";
    static final int FAST_NODE = 0;
    static final int SLOW_NODE = 1;
    /** Pages of the hot set protected by a pin (wanted on the slow node). */
    static final int PINNED_PAGES = 256;
    /** Pages moved behind the tracker's back to provoke KERNEL PfnMoves. */
    static final int FOREIGN_MOVES = 64;
    static final long DAMON_TIMEOUT_MS = 45_000;
    static final long READY_TIMEOUT_MS = 120_000;

    private static boolean allOk = true;

    private GuestKernelChecks() {
    }

    static void result(String name, boolean ok, String detail) {
        allOk &= ok;
        System.out.println("TC-RESULT name=" + name + " ok=" + ok + " detail=" + detail.replace('\n', ' '));
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.currentTimeMillis();
        String step = "setup";
        try {
            Path ready = Path.of(args[0]);
            long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
            while (!Files.exists(ready)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("workload not ready after " + READY_TIMEOUT_MS + " ms");
                }
                Thread.sleep(100);
            }
            String[] w = Files.readString(ready).trim().split(" ");
            int pid = Integer.parseInt(w[0]);
            long va = Long.parseLong(w[1]);
            int pages = Integer.parseInt(w[2]);
            int hotPages = Integer.parseInt(w[3]);
            LinuxFs fs = LinuxFs.HOST;
            System.out.println("TC-INFO workload pid=" + pid + " pages=" + pages + " hot=" + hotPages
                    + " checks-start-ms=" + (System.currentTimeMillis() - t0));

            step = "tiers";
            NodeTopology topo = NodeTopology.read(fs);
            NodeTopology.Node fast = topo.node(FAST_NODE);
            NodeTopology.Node slow = topo.node(SLOW_NODE);
            result(step, !fast.cpuless() && slow.cpuless() && slow.tierRank() > fast.tierRank(),
                    String.format(Locale.ROOT, "node0{cpuless=%s,tier=%d,rank=%d,latency=%dns,pages=%d} "
                                    + "node1{cpuless=%s,tier=%d,rank=%d,latency=%dns,pages=%d} distances=%s",
                            fast.cpuless(), fast.tierId(), fast.tierRank(), fast.readLatencyNs(), fast.totalPages(),
                            slow.cpuless(), slow.tierId(), slow.tierRank(), slow.readLatencyNs(), slow.totalPages(),
                            java.util.Arrays.toString(fast.distances())));

            step = "ownership";
            LinuxOwnerScanner scanner = new LinuxOwnerScanner(fs, topo, p -> p == pid);
            OwnerTracker tracker = new OwnerTracker(HOST);
            long ts = System.nanoTime();
            List<OwnerObservation> all = scanner.scanProcess(pid);
            long scanMs = (System.nanoTime() - ts) / 1_000_000;
            List<OwnerObservation> obs = inRange(all, va, pages);
            ts = System.nanoTime();
            var changes = tracker.observe(obs, System.currentTimeMillis());
            System.out.println("TC-INFO ownership scan=" + scanMs + "ms presentPages=" + all.size() + " observe="
                    + (System.nanoTime() - ts) / 1_000_000 + "ms");
            long onSlow = obs.stream().filter(o -> o.node() == SLOW_NODE).count();
            long distinct = obs.stream().mapToLong(OwnerObservation::pfn).distinct().count();
            Pagemap pagemap = new Pagemap(fs);
            long[] pfns = pagemap.pfns(pid, va, pages);
            boolean agree = true;
            for (OwnerObservation o : obs) {
                agree &= pfns[(int) ((o.vaddr() - va) / Pagemap.PAGE_SIZE)] == o.pfn();
            }
            String comm = obs.isEmpty() ? "?" : obs.get(0).comm();
            result(step, obs.size() == pages && onSlow == pages && distinct == pages && agree
                            && changes.owners().size() == pages && changes.kernelMoves().isEmpty(),
                    "pages=" + obs.size() + "/" + pages + " onNode1=" + onSlow + " distinctPfns=" + distinct
                            + " owners=" + changes.owners().size() + " comm=" + comm + " pfnRange="
                            + java.util.Arrays.stream(pfns).min().orElse(-1) + ".."
                            + java.util.Arrays.stream(pfns).max().orElse(-1));

            step = "damon";
            long[] hotPfns = java.util.Arrays.copyOf(pfns, hotPages);
            long[] coldPfns = java.util.Arrays.copyOfRange(pfns, hotPages, pages);
            System.out.println("TC-INFO hot pfns " + java.util.Arrays.stream(hotPfns).min().orElse(-1) + ".."
                    + java.util.Arrays.stream(hotPfns).max().orElse(-1) + " in "
                    + java.util.Arrays.stream(hotPfns).map(x -> x >> 9).distinct().count() + " 2MiB blocks");
            List<long[]> ranges = new ArrayList<>();
            for (long[] r : topo.pfnRanges(SLOW_NODE)) {
                ranges.add(new long[] {r[0] << Pagemap.PAGE_SHIFT, r[1] << Pagemap.PAGE_SHIFT});
            }
            DamonSysfs.Attrs attrs = new DamonSysfs.Attrs(5_000, 100_000, 1_000_000, 10, 1000);
            int minAccesses = Math.max(1, attrs.maxAccesses() / 4);
            List<DamonSysfs.Region> regions;
            long damonStart = System.currentTimeMillis();
            double recall;
            double coldFalse;
            int snapshots = 0;
            try (DamonSysfs damon = DamonSysfs.open(fs)) {
                damon.start(ranges, attrs);
                while (true) {
                    Thread.sleep(1000);
                    regions = damon.snapshot();
                    snapshots++;
                    recall = fraction(regions, hotPfns, minAccesses);
                    coldFalse = fraction(regions, coldPfns, minAccesses);
                    System.out.println(String.format(Locale.ROOT, "TC-INFO damon t=%dms regions=%d hotRecall=%.3f "
                            + "coldFalse=%.3f", System.currentTimeMillis() - damonStart, regions.size(), recall,
                            coldFalse));
                    if ((recall >= 0.9 && coldFalse <= 0.1)
                            || System.currentTimeMillis() - damonStart > DAMON_TIMEOUT_MS) {
                        break;
                    }
                }
            }
            long[] sortedPfns = pfns.clone();
            java.util.Arrays.sort(sortedPfns);
            Map<Long, Integer> hotFound = new HashMap<>();
            DamonRegions.countFrames(regions, sortedPfns, minAccesses, hotFound::put);
            int maxAcc = regions.stream().mapToInt(DamonSysfs.Region::nrAccesses).max().orElse(0);
            result(step, recall >= 0.9 && coldFalse <= 0.1,
                    String.format(Locale.ROOT, "hotRecall=%.3f coldFalsePositive=%.3f hotPagesFound=%d/%d "
                                    + "regions=%d maxNrAccesses=%d minAccesses=%d snapshots=%d after=%dms", recall,
                            coldFalse, hotFound.size(), hotPages, regions.size(), maxAcc, minAccesses, snapshots,
                            System.currentTimeMillis() - damonStart));

            step = "promote";
            Map<Long, Integer> vaOfPfn = new HashMap<>();
            for (int i = 0; i < pages; i++) {
                vaOfPfn.put(pfns[i], i);
            }
            long pinStart = va;
            long pinEnd = va + PINNED_PAGES * Pagemap.PAGE_SIZE;
            PinTable pins = new PinTable(HOST);
            pins.apply("pin-slow", PolicyPin.newBuilder().setPinId("pin-slow").setHost(HOST)
                    .setSelector(PinSelector.newBuilder().setPid(pid).setVaStart(pinStart).setVaEnd(pinEnd).build())
                    .setWantedNode(SLOW_NODE).setReason("kernel IT: must stay on node 1")
                    .setCreatedMs(Instant.now()).build());
            LinuxMigrationTarget target = LinuxMigrationTarget.open(fs);
            DecisionExecutor exec = new DecisionExecutor(HOST, target, pins, new RateLimiter(0, 0, 0),
                    new AppliedDecisions(100_000), Clock.systemUTC(), System::nanoTime, new SimpleMeterRegistry());
            List<MigrationDecision> decisions = new ArrayList<>();
            for (long pfn : hotFound.keySet().stream().sorted().toList()) {
                long pva = va + vaOfPfn.get(pfn) * Pagemap.PAGE_SIZE;
                decisions.add(decision("promote-" + Long.toHexString(pva), pid, pva, pfn, hotFound.get(pfn)));
            }
            List<DecisionExecutor.Outcome> outcomes = exec.execute(decisions);
            Map<MigrationStatus, Long> byStatus = outcomes.stream()
                    .collect(Collectors.groupingBy(DecisionExecutor.Outcome::status, Collectors.counting()));
            List<DecisionExecutor.Outcome> moved = outcomes.stream()
                    .filter(o -> o.status() == MigrationStatus.MOVED).toList();
            List<DecisionExecutor.Outcome> pinnedOut = outcomes.stream()
                    .filter(o -> o.decision().getVaddr() >= pinStart && o.decision().getVaddr() < pinEnd).toList();
            long[] movedVas = moved.stream().mapToLong(o -> o.decision().getVaddr()).toArray();
            int[] nodesNow = new MovePages().query(pid, movedVas);
            long onFast = java.util.Arrays.stream(nodesNow).filter(n -> n == FAST_NODE).count();
            long expectMoved = decisions.size() - pinnedOut.size();
            result(step, !moved.isEmpty() && moved.size() == expectMoved && onFast == moved.size()
                            && moved.size() >= (hotPages - PINNED_PAGES) * 9 / 10,
                    "decisions=" + decisions.size() + " moved=" + moved.size() + " nowOnNode0=" + onFast
                            + " statuses=" + byStatus + " moveTimeUs/page="
                            + (moved.isEmpty() ? 0 : moved.get(0).result().getLatencyMicros()));

            step = "pfn-changed";
            long changed = 0;
            long matchesResult = 0;
            long newOnFast = 0;
            for (DecisionExecutor.Outcome o : moved) {
                long now = pagemap.pfn(pid, o.decision().getVaddr());
                changed += now != o.decision().getPfn() ? 1 : 0;
                matchesResult += o.result().getNewPfn() != null && o.result().getNewPfn() == now ? 1 : 0;
                newOnFast += topo.nodeOfPfn(now) == FAST_NODE ? 1 : 0;
                PfnMove m = o.move();
                matchesResult -= m == null || m.getNewPfn() != now || m.getCause() != MoveCause.MIGRATOR ? 1 : 0;
            }
            result(step, !moved.isEmpty() && changed == moved.size() && matchesResult == moved.size()
                            && newOnFast == moved.size(),
                    "moved=" + moved.size() + " pfnChanged=" + changed + " resultAndPfnMoveMatchPagemap="
                            + matchesResult + " newPfnOnNode0=" + newOnFast
                            + (moved.isEmpty() ? "" : " example=" + moved.get(0).decision().getPfn() + "->"
                            + moved.get(0).result().getNewPfn()));

            step = "stale";
            List<MigrationDecision> stale = new ArrayList<>();
            for (DecisionExecutor.Outcome o : moved.subList(0, Math.min(32, moved.size()))) {
                MigrationDecision d = o.decision();
                stale.add(decision("stale-" + Long.toHexString(d.getVaddr()), pid, d.getVaddr(), d.getPfn(), 0));
            }
            List<DecisionExecutor.Outcome> staleOut = exec.execute(stale);
            long staleRefused = staleOut.stream().filter(o -> o.status() == MigrationStatus.STALE_PFN).count();
            long stillSame = 0;
            for (DecisionExecutor.Outcome o : staleOut) {
                stillSame += pagemap.pfn(pid, o.decision().getVaddr()) == moved.stream()
                        .filter(m -> m.decision().getVaddr() == o.decision().getVaddr()).findFirst().orElseThrow()
                        .result().getNewPfn() ? 1 : 0;
            }
            result(step, !stale.isEmpty() && staleRefused == stale.size() && stillSame == stale.size(),
                    "oldPfnDecisions=" + stale.size() + " refusedStalePfn=" + staleRefused + " untouched=" + stillSame
                            + (staleOut.isEmpty() ? "" : " example=\"" + staleOut.get(0).result().getDetail() + "\""));

            step = "pinned";
            long pinnedRefused = pinnedOut.stream().filter(o -> o.status() == MigrationStatus.PINNED).count();
            long[] pinnedNow = pagemap.pfns(pid, pinStart, PINNED_PAGES);
            long pinnedUnchanged = 0;
            long pinnedOnSlow = 0;
            for (int i = 0; i < PINNED_PAGES; i++) {
                pinnedUnchanged += pinnedNow[i] == pfns[i] ? 1 : 0;
                pinnedOnSlow += topo.nodeOfPfn(pinnedNow[i]) == SLOW_NODE ? 1 : 0;
            }
            result(step, !pinnedOut.isEmpty() && pinnedRefused == pinnedOut.size()
                            && pinnedUnchanged == PINNED_PAGES && pinnedOnSlow == PINNED_PAGES,
                    "pinnedRangePages=" + PINNED_PAGES + " hotDecisionsInPin=" + pinnedOut.size()
                            + " refusedPinned=" + pinnedRefused + " pfnUnchanged=" + pinnedUnchanged
                            + " stillOnNode1=" + pinnedOnSlow);

            step = "duplicate";
            if (moved.isEmpty()) {
                throw new IllegalStateException("nothing moved, nothing to redeliver");
            }
            MigrationDecision again = moved.get(0).decision();
            long before = pagemap.pfn(pid, again.getVaddr());
            DecisionExecutor.Outcome dup = exec.execute(List.of(again)).get(0);
            result(step, dup.status() == MigrationStatus.DUPLICATE && pagemap.pfn(pid, again.getVaddr()) == before,
                    "redelivered=" + again.getDecisionId() + " status=" + dup.status());

            step = "kernel-move";
            for (DecisionExecutor.Outcome o : moved) {
                tracker.expectMove(pid, o.decision().getVaddr(), o.result().getNewPfn());
            }
            Set<Long> foreign = new HashSet<>();
            long[] foreignVas = new long[FOREIGN_MOVES];
            int[] foreignNodes = new int[FOREIGN_MOVES];
            for (int i = 0; i < FOREIGN_MOVES; i++) {
                foreignVas[i] = va + (long) (pages - 1 - i) * Pagemap.PAGE_SIZE;   // cold pages at the end
                foreignNodes[i] = FAST_NODE;
                foreign.add(foreignVas[i]);
            }
            int[] st = new MovePages().move(pid, foreignVas, foreignNodes);
            long foreignMoved = java.util.Arrays.stream(st).filter(s -> s == FAST_NODE).count();
            var after = tracker.observe(inRange(scanner.scanProcess(pid), va, pages), System.currentTimeMillis());
            Set<Long> reported = after.kernelMoves().stream().map(PfnMove::getVaddr).collect(Collectors.toSet());
            result(step, foreignMoved == FOREIGN_MOVES && reported.equals(foreign)
                            && after.kernelMoves().stream().allMatch(m -> m.getCause() == MoveCause.KERNEL),
                    "movedBehindTrackersBack=" + foreignMoved + " reportedKernelMoves=" + after.kernelMoves().size()
                            + " migratorMovesReported=" + after.kernelMoves().stream()
                            .filter(m -> !foreign.contains(m.getVaddr())).count()
                            + " ownerUpdates=" + after.owners().size());
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            result(step, false, "exception " + t);
        }
        System.out.println("TC-DONE ok=" + allOk + " ms=" + (System.currentTimeMillis() - t0));
        System.out.flush();
        System.exit(allOk ? 0 : 1);
    }

    static List<OwnerObservation> inRange(List<OwnerObservation> all, long va, int pages) {
        long end = va + pages * Pagemap.PAGE_SIZE;
        return all.stream().filter(o -> o.vaddr() >= va && o.vaddr() < end).toList();
    }

    static double fraction(List<DamonSysfs.Region> regions, long[] frames, int minAccesses) {
        if (frames.length == 0) {
            return 0;
        }
        return DamonRegions.countMatching(regions, frames, minAccesses, p -> true) / (double) frames.length;
    }

    static MigrationDecision decision(String id, int pid, long va, long pfn, double score) {
        Instant now = Instant.now();
        return MigrationDecision.newBuilder().setDecisionId(id).setHost(HOST).setPid(pid).setVaddr(va).setPfn(pfn)
                .setFromNode(SLOW_NODE).setToNode(FAST_NODE).setReason(DecisionReason.PROMOTE_HOT).setScore(score)
                .setEvidenceMs(now).setCreatedMs(now).setDeadlineMs(now.plusSeconds(120)).build();
    }
}
