package io.thermocline.emulator.policy;

import io.thermocline.emulator.EmuProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Clairvoyant upper bound: before each epoch it knows that epoch's true per-page access counts and places the
 * K hottest pages (K = fast-tier capacity) in the fast tier, demoting the coldest fast pages to make room and
 * placing not-yet-touched hot pages directly. Migration cost is charged like any other policy's. Ties keep pages
 * where they are, so it never moves a page for nothing. Its fast-access ratio is the maximum any placement can
 * reach with the same fast capacity.
 */
public final class OraclePolicy implements PlacementPolicy {
    public static final String NAME = "oracle";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean clairvoyant() {
        return true;
    }

    @Override
    public List<Decision> decide(EpochInput in) {
        Lookahead la = in.lookahead();
        if (la == null) return List.of();
        MachineView v = in.view();
        int fastCap = Tiers.fastCapacity(v.nodes());
        int slots = v.slotCount();
        // threshold selection in O(slots): histogram of counts, then the K hottest with ties kept in place
        int max = 0;
        for (int s = 0; s < slots; s++) max = Math.max(max, la.count(s));
        if (max == 0) return List.of();
        int[] hist = new int[max + 1];
        for (int s = 0; s < slots; s++) hist[la.count(s)]++;
        int taken = 0;
        int cut = max; // pages with count > cut are all wanted; pages at exactly cut fill what is left
        while (cut > 0 && taken + hist[cut] <= fastCap) taken += hist[cut--];
        int atCutLeft = cut == 0 ? 0 : fastCap - taken;
        boolean[] wanted = new boolean[slots];
        List<Integer> toPromote = new ArrayList<>();
        // ties at the cut: pages already fast first, then lower slots
        for (int pass = 0; pass < 2; pass++) {
            for (int s = 0; s < slots; s++) {
                int c = la.count(s);
                if (c == 0 || c < cut || wanted[s]) continue;
                long pfn = v.pfnOfSlot(s);
                boolean fast = pfn >= 0 && v.isFast(v.nodeOfPfn(pfn));
                if (c == cut) {
                    if (pass == 0 && !fast) continue;
                    if (atCutLeft == 0) continue;
                    atCutLeft--;
                } else if (pass == 1) {
                    continue;
                }
                wanted[s] = true;
                if (!fast) toPromote.add(s);
            }
        }
        if (toPromote.isEmpty()) return List.of();
        int free = 0;
        for (int n = 0; n < v.nodeCount(); n++) if (v.isFast(n)) free += v.freePages(n);
        int needRoom = toPromote.size() - free;
        List<Decision> out = new ArrayList<>();
        if (needRoom > 0) {
            // demote fast pages not wanted, coldest (in the coming epoch) first
            long[] victims = new long[slots];
            int nv = 0;
            for (int s = 0; s < slots; s++) {
                if (wanted[s]) continue;
                long pfn = v.pfnOfSlot(s);
                if (pfn < 0 || !v.isFast(v.nodeOfPfn(pfn))) continue;
                victims[nv++] = ((long) la.count(s) << 32) | s;
            }
            Arrays.sort(victims, 0, nv);
            for (int i = 0; i < Math.min(needRoom, nv); i++) {
                int s = (int) (victims[i] & 0xFFFF_FFFFL);
                long pfn = v.pfnOfSlot(s);
                int target = Tiers.demotionTarget(v, v.nodeOfPfn(pfn));
                if (target < 0) break;
                EmuProcess p = v.processOfSlot(s);
                out.add(new Decision(p.pid(), v.vaOfSlot(s), pfn, target, Reason.DEMOTE_COLD, false, la.count(s)));
            }
        }
        int[] fastNodes = Tiers.cpuNodesByLatency(v);
        for (int s : toPromote) {
            long pfn = v.pfnOfSlot(s);
            EmuProcess p = v.processOfSlot(s);
            int target = -1;
            for (int n : fastNodes) {
                if (v.isFast(n)) {
                    target = n;
                    break;
                }
            }
            out.add(new Decision(p.pid(), v.vaOfSlot(s), pfn < 0 ? Decision.NOT_PRESENT : pfn, target,
                    Reason.PROMOTE_HOT, false, la.count(s)));
        }
        return out;
    }
}
