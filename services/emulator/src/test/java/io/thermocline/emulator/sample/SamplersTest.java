package io.thermocline.emulator.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.TierKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplersTest {
    static Machine machine() {
        Machine m = new Machine("h", List.of(new NodeSpec(0, TierKind.DRAM, 1024, 90, 38),
                new NodeSpec(1, TierKind.CXL, 4096, 216, 25)), CostModel.defaults());
        m.addProcess(1, "p", 0x7f00_0000_0000L, 3000, false);
        int[] sweep = new int[3000];
        for (int i = 0; i < sweep.length; i++) sweep[i] = i;
        m.run(sweep, 0, sweep.length);
        return m;
    }

    static Map<Long, Integer> flatten(List<SampleBatch> bs, SampleSource src) {
        Map<Long, Integer> out = new HashMap<>();
        for (SampleBatch b : bs) {
            if (b.source() != src) continue;
            assertEquals(SampleBatch.BLOCK_SHIFT, b.blockShift());
            for (int i = 0; i < b.size(); i++) {
                assertEquals(b.block(), b.pfns()[i] >> 9, "pfn outside its block");
                if (i > 0) assertTrue(b.pfns()[i] > b.pfns()[i - 1], "pfns sorted");
                out.merge(b.pfns()[i], b.counts()[i], Integer::sum);
            }
        }
        return out;
    }

    @Test
    void scansPebsAndChmuAgreeWithTheTrueCounts() {
        Machine m = machine();
        m.setPebsPeriod(4);
        m.beginEpoch();
        // slot 2000 (CXL) 400 times, slot 10 (DRAM) 100 times, slots 1500..1599 (CXL) once each
        int[] s = new int[600];
        int k = 0;
        for (int i = 0; i < 400; i++) s[k++] = 2000;
        for (int i = 0; i < 100; i++) s[k++] = 10;
        for (int i = 0; i < 100; i++) s[k++] = 1500 + i;
        m.run(s, 0, k);
        List<SampleBatch> bs = Samplers.sample(m, Set.of(SampleSource.values()), 3, 0, 1000, 2);
        Map<Long, Integer> exact = flatten(bs, SampleSource.EMULATOR);
        long hot = m.pfnOfSlot(2000);
        assertEquals(400, exact.get(hot));
        assertEquals(100, exact.get(m.pfnOfSlot(10)));
        assertEquals(102, exact.size());
        Map<Long, Integer> idle = flatten(bs, SampleSource.PAGE_IDLE);
        assertEquals(exact.keySet(), idle.keySet());
        assertTrue(idle.values().stream().allMatch(c -> c == 1));
        Map<Long, Integer> pebs = flatten(bs, SampleSource.PEBS);
        assertEquals(150, pebs.values().stream().mapToInt(Integer::intValue).sum(), "1 in 4 of 600");
        assertEquals(100, pebs.get(hot));
        Map<Long, Integer> chmu = flatten(bs, SampleSource.CHMU);
        assertEquals(2, chmu.size(), "top-2 of the CXL node");
        assertEquals(400, chmu.get(hot));
        assertEquals(1, m.nodeOfPfn(hot));
        for (SampleBatch b : bs) if (b.source() == SampleSource.CHMU) assertEquals(1, b.node());
        assertTrue(bs.stream().allMatch(b -> b.epoch() == 3 && b.windowEndNs() == 1000 && b.host().equals("h")));
    }
}
