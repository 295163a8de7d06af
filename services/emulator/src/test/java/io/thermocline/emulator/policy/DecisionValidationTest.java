package io.thermocline.emulator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.emulator.EmuProcess;
import io.thermocline.emulator.MoveStatus;
import io.thermocline.emulator.TierKind;
import io.thermocline.emulator.run.Emulation;
import io.thermocline.emulator.run.EmulationConfig;
import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.emulator.run.PolicyReport;
import io.thermocline.emulator.sample.SampleBatch;
import io.thermocline.emulator.sample.SampleSource;
import io.thermocline.emulator.workload.GupsHotset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class DecisionValidationTest {
    static final int PID = Emulation.FIRST_PID;

    /**
     * Promotes every slow page seen in PAGE_IDLE samples, naming the PFN it saw (or a stale one on request).
     * Like the pipeline, it knows owners from a PageOwner table that lags one round behind.
     */
    static final class Greedy implements PlacementPolicy {
        final boolean useOldPfns;
        Map<Long, MachineView.PageRef> owners = new java.util.HashMap<>();
        final List<DecisionOutcome> outcomes = new ArrayList<>();
        List<SampleBatch> previous = List.of();

        Greedy(boolean useOldPfns) {
            this.useOldPfns = useOldPfns;
        }

        @Override
        public String name() {
            return useOldPfns ? "stale" : "greedy";
        }

        @Override
        public Set<SampleSource> sources() {
            return Set.of(SampleSource.PAGE_IDLE);
        }

        @Override
        public List<Decision> decide(EpochInput in) {
            List<SampleBatch> use = useOldPfns ? previous : in.samples();
            previous = in.samples();
            List<Decision> out = new ArrayList<>();
            MachineView v = in.view();
            Map<Long, MachineView.PageRef> known = owners;
            owners = new java.util.HashMap<>();
            for (int n = 0; n < v.nodeCount(); n++) {
                for (long pfn = v.nodeBasePfn(n); pfn < v.nodeBasePfn(n) + v.node(n).capacityPages(); pfn++) {
                    MachineView.PageRef o = v.owner(pfn);
                    if (o != null) owners.put(pfn, o);
                }
            }
            java.util.Set<Long> sampledFast = new java.util.HashSet<>();
            for (SampleBatch b : use) if (b.node() == 0) for (long pfn : b.pfns()) sampledFast.add(pfn);
            long fastBase = v.nodeBasePfn(0);
            long victim = fastBase;
            long fastEnd = fastBase + v.node(0).capacityPages();
            for (SampleBatch b : use) {
                if (b.node() != 1) continue;
                for (long pfn : b.pfns()) {
                    MachineView.PageRef o = known.get(pfn);
                    if (o == null) continue;
                    // make room: demote one unsampled fast page per promotion
                    while (victim < fastEnd && (sampledFast.contains(victim) || v.owner(victim) == null)) victim++;
                    if (victim == fastEnd) return out;
                    MachineView.PageRef vo = v.owner(victim); // victims resolved now: never stale
                    out.add(Decision.demote(vo.pid(), vo.vaddr(), victim++, 1));
                    out.add(Decision.promote(o.pid(), o.vaddr(), pfn, 0));
                }
            }
            return out;
        }

        @Override
        public void applied(EpochInput in, List<DecisionOutcome> o) {
            outcomes.addAll(o);
        }
    }

    static EmulationConfig cfg() {
        return EmulationConfig.of(List.of("gups-hotset"), 4096, 0.5, 6, 2).withAccessesPerEpoch(20_000);
    }

    static Emulation emulation(EmulationConfig c, PlacementPolicy... ps) {
        return new Emulation(c, List.of(new GupsHotset(4096, 0.1, 0.9, 20_000, 2)), List.of(ps));
    }

    @Test
    void pinsAreEnforcedAndCounted() {
        Greedy g = new Greedy(false);
        EmulationConfig c = cfg().withPins(new PinSet(List.of(Pin.process("keep-slow", PID, TierKind.CXL, -1))));
        PolicyReport r = emulation(c, g).run().policy("greedy");
        assertTrue(r.pinViolations() > 0);
        assertEquals(0, r.promotedPages());
        List<DecisionOutcome> promotions = g.outcomes.stream()
                .filter(o -> o.decision().reason() == Reason.PROMOTE_HOT).toList();
        assertTrue(promotions.stream().allMatch(o -> o.status() == MoveStatus.PINNED));
        assertEquals(promotions.size(), r.pinViolations());
    }

    @Test
    void staleDecisionsAreRefusedWhenTheKernelMovedThePage() {
        Greedy fresh = new Greedy(false);
        EmulationReport r = emulation(cfg().withKernelMovesPerSec(2000), fresh).run();
        PolicyReport p = r.policy("greedy");
        assertTrue(p.staleRefused() > 0, "kernel moves between sampling and decision must make some PFNs stale");
        assertTrue(p.promotedPages() > 0);
        for (DecisionOutcome o : fresh.outcomes) {
            if (o.status() == MoveStatus.MOVED) {
                assertTrue(o.newPfn() != o.oldPfn() && o.newPfn() >= 0);
            }
        }
        Greedy stale = new Greedy(true);
        PolicyReport s = emulation(cfg(), stale).run().policy("stale");
        assertTrue(s.staleRefused() > 0, "decisions on PFNs from two epochs ago go stale once pages moved");
    }

    @Test
    void externalPolicyInLockstepGetsEveryEpochAndItsDecisionsAreApplied() {
        ExternalPolicy ext = new ExternalPolicy("ext", true, Duration.ofSeconds(30),
                Set.of(SampleSource.PAGE_IDLE, SampleSource.PEBS));
        Map<Long, Integer> seen = new ConcurrentHashMap<>();
        List<PfnMoveSeen> moves = new ArrayList<>();
        // the "pipeline": answers each epoch on another thread, promoting what the accessed-bit scan saw
        Greedy brain = new Greedy(false);
        ext.addEpochListener(in -> {
            seen.put(in.epoch(), in.samples().size());
            synchronized (moves) {
                in.moves().forEach(m -> moves.add(new PfnMoveSeen(m.oldPfn(), m.newPfn())));
            }
            List<Decision> ds = brain.decide(in);
            new Thread(() -> ext.submit(in.epoch(), ds)).start();
        });
        PolicyReport r = emulation(cfg(), ext).run().policy("ext");
        assertEquals(7, seen.size(), "epochs -1..5");
        assertTrue(r.promotedPages() > 0);
        // every move is reported in the next EpochInput; the last epoch's moves have no next round
        assertTrue(moves.size() > 0 && moves.size() <= r.promotedPages() + r.demotedPages());
        assertTrue(moves.stream().allMatch(m -> m.oldPfn != m.newPfn));
    }

    record PfnMoveSeen(long oldPfn, long newPfn) {
    }

    @Test
    void oracleDecisionsTargetTheHottestPages() {
        OraclePolicy o = new OraclePolicy();
        EmulationReport r = emulation(cfg(), o, new FirstTouchPolicy()).run();
        assertTrue(r.policy("oracle").fastAccessRatio() > r.policy("first-touch").fastAccessRatio());
        EmuProcess p = emulation(cfg(), new FirstTouchPolicy()).initialMachine().process(PID);
        assertEquals(4096, p.pages());
    }
}
