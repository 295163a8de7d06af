package io.thermocline.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MachineTest {
    static final long VA = 0x7f00_0000_0000L;

    static Machine twoTier(int fast, int slow) {
        return new Machine("h1", List.of(
                new NodeSpec(0, TierKind.DRAM, fast, 90, 38.4),
                new NodeSpec(1, TierKind.CXL, slow, 216, 25)), CostModel.defaults());
    }

    @Test
    void firstTouchFillsFastThenFallsBackToNextTier() {
        Machine m = twoTier(4, 16);
        m.addProcess(10, "p", VA, 8, false);
        for (int i = 0; i < 8; i++) m.access(10, VA + i * 4096L);
        for (int i = 0; i < 8; i++) {
            assertEquals(i < 4 ? 0 : 1, m.nodeOfPfn(m.translate(10, VA + i * 4096L)), "page " + i);
        }
        assertEquals(0, m.freePages(0));
        assertEquals(12, m.freePages(1));
        m.checkInvariants();
    }

    @Test
    void moveChangesPfnFreesOldFrameAndEmitsEvent() {
        Machine m = twoTier(4, 16);
        m.addProcess(10, "p", VA, 8, false);
        for (int i = 0; i < 8; i++) m.access(10, VA + i * 4096L);
        List<PfnMove> moves = new ArrayList<>();
        m.addListener(moves::add);
        long va = VA + 6 * 4096L;
        long old = m.translate(10, va);
        assertEquals(MoveStatus.NO_CAPACITY, m.movePage(10, va, 0, MoveCause.MIGRATOR));
        assertEquals(MoveStatus.MOVED, m.movePage(10, VA, 1, MoveCause.MIGRATOR)); // demote to make room
        assertEquals(MoveStatus.MOVED, m.movePage(10, va, 0, MoveCause.MIGRATOR));
        long now = m.translate(10, va);
        assertNotEquals(old, now);
        assertEquals(0, m.nodeOfPfn(now));
        assertTrue(m.isFrameFree(old), "old frame must be free");
        assertEquals(-1, m.slotOfPfn(old));
        PfnMove last = moves.get(moves.size() - 1);
        assertEquals(new PfnMove("h1", old, now, 10, va, MoveCause.MIGRATOR, 0), last);
        assertEquals(1, m.promotedPages());
        assertEquals(1, m.demotedPages());
        assertEquals(MoveStatus.ALREADY_ON_NODE, m.movePage(10, va, 0, MoveCause.MIGRATOR));
        assertEquals(MoveStatus.NOT_PRESENT, m.movePage(10, VA + 100 * 4096L, 0, MoveCause.MIGRATOR));
        assertEquals(MoveStatus.FAILED, m.movePage(10, va, 7, MoveCause.MIGRATOR));
        m.setBusy(10, va, true);
        assertEquals(MoveStatus.BUSY, m.movePage(10, va, 1, MoveCause.MIGRATOR));
        m.checkInvariants();
    }

    @Test
    void pingPongIsPromoteDemotePromote() {
        Machine m = twoTier(4, 16);
        m.addProcess(1, "p", VA, 8, false);
        for (int i = 0; i < 8; i++) m.access(1, VA + i * 4096L);
        long va = VA + 7 * 4096L;
        m.movePage(1, VA, 1, MoveCause.MIGRATOR);
        m.movePage(1, va, 0, MoveCause.MIGRATOR);
        m.movePage(1, va, 1, MoveCause.MIGRATOR);
        assertEquals(0, m.pingPongs());
        m.movePage(1, va, 0, MoveCause.MIGRATOR);
        assertEquals(1, m.pingPongs());
    }

    @Test
    void noFrameIsEverOwnedTwiceUnderRandomMoves() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Machine m = new Machine("h", List.of(
                    new NodeSpec(0, TierKind.DRAM, 1500, 90, 38),
                    new NodeSpec(1, TierKind.CXL, 3000, 216, 25),
                    new NodeSpec(2, TierKind.DEVICE_PRIVATE, 700, 400, 100)), CostModel.defaults());
            m.addProcess(1, "a", VA, 1024, true);
            m.addProcess(2, "b", VA, 1500, false);
            int[] stream = new int[4000];
            for (int i = 0; i < stream.length; i++) {
                stream[i] = rnd.nextBoolean() ? rnd.nextInt(1024) : m.process(2).slotBase() + rnd.nextInt(1500);
            }
            m.run(stream, 0, stream.length);
            m.checkInvariants();
            Set<Long> live = new HashSet<>();
            for (int step = 0; step < 20_000; step++) {
                int pid = rnd.nextBoolean() ? 1 : 2;
                int pages = pid == 1 ? 1024 : 1500;
                long va = VA + rnd.nextInt(pages) * 4096L;
                long before = m.translate(pid, va);
                int op = rnd.nextInt(10);
                if (op == 0) {
                    m.moveFolio(pid, va, rnd.nextInt(3), MoveCause.MIGRATOR);
                } else if (op == 1) {
                    m.kernelMoves(3, rnd);
                } else if (op == 2) {
                    m.access(pid, va);
                } else {
                    MoveStatus st = m.movePage(pid, va, rnd.nextInt(3), MoveCause.MIGRATOR);
                    long after = m.translate(pid, va);
                    if (st == MoveStatus.MOVED) {
                        assertNotEquals(before, after);
                        assertTrue(m.isFrameFree(before) || m.slotOfPfn(before) != m.slotOf(pid, va));
                    } else {
                        assertEquals(before, after, "status " + st + " must not move the page");
                    }
                }
                if (step % 2000 == 0) m.checkInvariants();
            }
            m.checkInvariants();
            for (int s = 0; s < m.slotCount(); s++) {
                long pfn = m.pfnOfSlot(s);
                if (pfn >= 0) assertTrue(live.add(pfn), "pfn " + pfn + " mapped twice");
            }
        }
    }

    @Test
    void foliosAllocateAlignedAndSplitWhenTargetHasNoBlock() {
        Machine m = twoTier(1024, 4096);
        m.addProcess(1, "thp", VA, 1024, true);
        m.access(1, VA + 5 * 4096L);
        long head = m.translate(1, VA);
        assertEquals(0, head % Machine.FOLIO_PAGES);
        assertEquals(head + 5, m.translate(1, VA + 5 * 4096L));
        assertTrue(m.inFolio(m.slotOf(1, VA)));
        MoveStatus[] st = m.moveFolio(1, VA, 1, MoveCause.MIGRATOR);
        assertEquals(512, st.length);
        for (MoveStatus s : st) assertEquals(MoveStatus.MOVED, s);
        long nh = m.translate(1, VA);
        assertEquals(1, m.nodeOfPfn(nh));
        assertEquals(0, nh % Machine.FOLIO_PAGES);
        assertTrue(m.isFrameFree(head));
        assertEquals(1, m.migratedFolios());
        // a single-page move splits the folio
        assertEquals(MoveStatus.MOVED, m.movePage(1, VA + 3 * 4096L, 0, MoveCause.MIGRATOR));
        assertTrue(!m.inFolio(m.slotOf(1, VA)));
        m.checkInvariants();
    }

    @Test
    void devicePrivatePageFaultsBackToRamOnCpuAccess() {
        Machine m = new Machine("h", List.of(
                new NodeSpec(0, TierKind.DRAM, 8, 90, 38),
                new NodeSpec(1, TierKind.DEVICE_PRIVATE, 8, 400, 100)), CostModel.defaults());
        m.addProcess(1, "p", VA, 4, false);
        m.access(1, VA);
        assertEquals(MoveStatus.MOVED, m.movePage(1, VA, 1, MoveCause.MIGRATOR));
        assertEquals(1, m.nodeOfPfn(m.translate(1, VA)));
        m.beginEpoch();
        long pfn = m.access(1, VA);
        assertEquals(0, m.nodeOfPfn(pfn));
        assertEquals(1, m.deviceFaults());
        assertEquals(1, m.nodeHits(0));
        assertEquals(0, m.nodeHits(1));
        m.checkInvariants();
    }

    @Test
    void outOfMemoryIsLoud() {
        Machine m = twoTier(1, 1);
        m.addProcess(1, "p", VA, 3, false);
        m.access(1, VA);
        m.access(1, VA + 4096);
        assertThrows(IllegalStateException.class, () -> m.access(1, VA + 8192));
    }
}
