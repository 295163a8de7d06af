package io.thermocline.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.NodeStats;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.emulator.CostModel;
import io.thermocline.emulator.Machine;
import io.thermocline.emulator.NodeSpec;
import io.thermocline.emulator.sample.SampleSource;
import io.thermocline.sampler.emulator.EmulatorSamplerBackend;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SamplerCoreTest {

    static final long VA = 0x7f00_0000_0000L;

    static OwnerObservation obs(int pid, int page, long pfn) {
        return new OwnerObservation(pid, VA + page * 4096L, pfn, "app", "/", false, 0, 1);
    }

    @Test
    void trackerPublishesChangesOnlyAndDetectsMovesItDidNotCause() {
        OwnerTracker t = new OwnerTracker("h");
        var c1 = t.observe(List.of(obs(1, 0, 100), obs(1, 1, 101), obs(1, 2, 102)), 1);
        assertEquals(3, c1.owners().size());
        assertEquals(1, c1.owners().get(0).getGeneration());
        var same = t.observe(List.of(obs(1, 0, 100), obs(1, 1, 101), obs(1, 2, 102)), 2);
        assertTrue(same.isEmpty(), "unchanged pages publish nothing");
        t.expectMove(1, VA + 4096, 201);      // the migrator's move
        var c2 = t.observe(List.of(obs(1, 0, 100), obs(1, 1, 201), obs(1, 2, 302)), 3);
        assertEquals(2, c2.owners().size(), "both new frames get an owner");
        assertEquals(1, c2.kernelMoves().size(), "only the move nobody announced is KERNEL");
        PfnMove k = c2.kernelMoves().get(0);
        assertEquals(102, k.getOldPfn());
        assertEquals(302, k.getNewPfn());
        assertEquals(MoveCause.KERNEL, k.getCause());
        assertArrayEquals(new long[] {100, 201, 302}, t.ownedPfns());
        // frame 100 gets a new owner: generation 2
        t.endPass();
        var c3 = t.observe(List.of(obs(2, 5, 100)), 4);
        assertEquals(2, c3.owners().get(0).getGeneration());
        // end of pass: pages of pid 1 not seen are gone; their frames freed unless re-owned (100 is)
        List<Long> freed = t.endPass();
        assertEquals(List.of(201L, 302L), freed.stream().sorted().toList());
        assertEquals(1, t.trackedPages());
    }

    @Test
    void frameChangesWaitForTheMigratorsMoveBeforeCountingAsKernel() {
        OwnerTracker t = new OwnerTracker("h", 1000);
        t.observe(List.of(obs(1, 0, 100), obs(1, 1, 101)), 0);
        var c = t.observe(List.of(obs(1, 0, 200), obs(1, 1, 201)), 10);
        assertTrue(c.kernelMoves().isEmpty(), "within the grace nothing is reported yet");
        assertEquals(2, c.owners().size(), "owners of the new frames are published at once");
        t.expectMove(1, VA, 200);     // the migrator's PfnMove arrives after the scan
        assertEquals(1, t.pendingMoves());
        assertTrue(t.observe(List.of(), 500).kernelMoves().isEmpty());
        var late = t.observe(List.of(), 1010);
        assertEquals(1, late.kernelMoves().size());
        assertEquals(101, late.kernelMoves().get(0).getOldPfn());
        assertEquals(201, late.kernelMoves().get(0).getNewPfn());
        assertEquals(0, t.pendingMoves());
    }

    @Test
    void batcherGroupsByTwoMegabyteBlock() {
        AccessWindow w = new AccessWindow(AccessSource.DAMON, 10, 20, 7, 1, new long[] {5, 511, 512, 2000},
                new int[] {1, 2, 3, 4});
        List<PageAccessBatch> b = Batcher.batches("h", w, pfn -> pfn < 1024 ? 0 : 1);
        assertEquals(3, b.size());
        assertEquals(0, b.get(0).getBlock());
        assertEquals(2, b.get(0).getEntries().size());
        assertEquals(1, b.get(1).getBlock());
        assertEquals(3, b.get(2).getBlock());
        assertEquals(1, b.get(2).getNode());
        assertEquals(7, b.get(2).getEpoch());
        assertEquals(AccessSource.DAMON, b.get(0).getSource());
        assertThrows(IllegalArgumentException.class, () -> Batcher.batches("h",
                new AccessWindow(AccessSource.DAMON, 0, 1, -1, 1, new long[] {3, 2}, new int[] {1, 1}), p -> 0));
    }

    @Test
    void adaptivePeriodShrinksWhenBusyAndGrowsWhenQuiet() {
        AdaptiveScan a = new AdaptiveScan(100, 1600, 400);
        assertEquals(200, a.update(1000, 500));
        assertEquals(100, a.update(1000, 500));
        assertEquals(100, a.update(1000, 500), "bounded below");
        assertEquals(200, a.update(1000, 0));
        assertEquals(200, a.update(1000, 50), "in between: unchanged");
        for (int i = 0; i < 10; i++) {
            a.update(1000, 0);
        }
        assertEquals(1600, a.periodMs(), "bounded above");
    }

    @Test
    void configValidatesAndTakesEnvironmentOverrides() {
        Map<String, Object> base = Map.of("host.id", "file-host", "bootstrap.servers", "b:9092",
                "schema.registry.url", "http://r");
        SamplerConfig c = SamplerConfig.fromEnv(base, Map.of("TC_SAMPLER_HOST_ID", "node-7",
                "TC_SAMPLER_SCAN_SIZE_PAGES", "4096", "TC_SAMPLER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "OTHER_VAR", "x"));
        assertEquals("node-7", c.host());
        assertEquals(4096L, c.getLong(SamplerConfig.SCAN_SIZE_PAGES));
        assertEquals("SASL_SSL", c.clientProps().get("security.protocol"));
        assertEquals("b:9092", c.clientProps().get("bootstrap.servers"));
        assertThrows(ConfigException.class, () -> new SamplerConfig(Map.of("bootstrap.servers", "b")));
        assertThrows(ConfigException.class, () -> SamplerConfig.fromEnv(base, Map.of(
                "TC_SAMPLER_ACCESS_SOURCE", "pebs")));
        assertThrows(ConfigException.class, () -> SamplerConfig.fromEnv(base, Map.of(
                "TC_SAMPLER_SCAN_PERIOD_MIN_MS", "500", "TC_SAMPLER_SCAN_PERIOD_MAX_MS", "100")));
    }

    @Test
    void emulatorBackendReportsOwnersSamplesNodesAndKernelMoves() {
        Machine m = new Machine("emu", List.of(new NodeSpec(0, io.thermocline.emulator.TierKind.DRAM, 32, 90, 38.4),
                new NodeSpec(1, io.thermocline.emulator.TierKind.CXL, 128, 216, 25)), CostModel.defaults());
        m.addProcess(1000, "gups", VA, 64, false);
        EmulatorSamplerBackend b = new EmulatorSamplerBackend(m, m, java.util.Set.of(SampleSource.EMULATOR),
                Clock.systemUTC());
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 64; i++) {
                m.access(1000, VA + i * 4096L);
            }
        }
        SamplerBackend.OwnerScan s1 = b.scanOwners(40);
        assertEquals(40, s1.pages().size());
        assertFalse(s1.passComplete());
        SamplerBackend.OwnerScan s2 = b.scanOwners(1000);
        assertTrue(s2.passComplete());
        assertEquals(24, s2.pages().size());
        List<AccessWindow> w = b.sampleAccesses(new long[0]);
        assertEquals(1, w.size());
        assertEquals(64, w.get(0).size());
        assertEquals(3, w.get(0).counts()[0]);
        assertEquals(0, b.sampleAccesses(new long[0]).get(0).size(), "the epoch was closed");
        List<NodeStats> n = b.nodeStats(0);
        assertEquals(TierKind.CXL, n.get(1).getTier());
        assertEquals(32, n.get(0).getCapacityPages());
        assertEquals(0, n.get(0).getFreePages());
        assertEquals(1, n.get(1).getTierRank());
        int moved = m.kernelMoves(5, new SplittableRandom(1));
        List<PfnMove> k = b.knownKernelMoves();
        assertEquals(moved, k.size());
        assertTrue(k.stream().allMatch(x -> x.getCause() == MoveCause.KERNEL && x.getOldPfn() != x.getNewPfn()));
        assertTrue(b.knownKernelMoves().isEmpty());
    }
}
