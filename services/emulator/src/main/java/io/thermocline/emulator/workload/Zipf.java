package io.thermocline.emulator.workload;

import java.util.ArrayDeque;

/**
 * Zipf-distributed accesses: page of rank k (1-based) is chosen with probability proportional to 1/k^s.
 * Ranks are scattered over the address space by a seeded permutation. Sampling is O(1) with Vose's alias method.
 */
public final class Zipf implements Workload {
    private final int pages;
    private final int accessesPerEpoch;
    private final double exponent;
    private final int[] rankToPage;
    private final int[] alias;
    private final int[] probScaled;   // acceptance threshold per column, scaled to 2^31
    private final SplitMix rnd;

    public Zipf(int pages, double exponent, int accessesPerEpoch, long seed) {
        if (pages <= 0) throw new IllegalArgumentException("footprint must be > 0 pages");
        if (!(exponent > 0)) throw new IllegalArgumentException("zipf exponent must be > 0");
        if (accessesPerEpoch <= 0) throw new IllegalArgumentException("accesses per epoch must be > 0");
        this.pages = pages;
        this.exponent = exponent;
        this.accessesPerEpoch = accessesPerEpoch;
        this.rnd = new SplitMix(SplitMix.mix(seed, 3));
        // permutation rank -> page (Fisher-Yates with its own stream)
        rankToPage = new int[pages];
        for (int i = 0; i < pages; i++) rankToPage[i] = i;
        SplitMix perm = new SplitMix(SplitMix.mix(seed, 4));
        for (int i = pages - 1; i > 0; i--) {
            int j = SplitMix.bounded(perm.next(), i + 1);
            int t = rankToPage[i];
            rankToPage[i] = rankToPage[j];
            rankToPage[j] = t;
        }
        // alias table
        double[] p = new double[pages];
        double sum = 0;
        for (int k = 0; k < pages; k++) sum += p[k] = Math.pow(k + 1, -exponent);
        alias = new int[pages];
        probScaled = new int[pages];
        double[] scaled = new double[pages];
        ArrayDeque<Integer> small = new ArrayDeque<>();
        ArrayDeque<Integer> large = new ArrayDeque<>();
        for (int k = 0; k < pages; k++) {
            scaled[k] = p[k] / sum * pages;
            (scaled[k] < 1 ? small : large).add(k);
        }
        while (!small.isEmpty() && !large.isEmpty()) {
            int s = small.poll();
            int l = large.poll();
            probScaled[s] = (int) (scaled[s] * (1 << 30)) << 1 | 1;
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).add(l);
        }
        for (int k : large) {
            probScaled[k] = Integer.MAX_VALUE;
            alias[k] = k;
        }
        for (int k : small) {
            probScaled[k] = Integer.MAX_VALUE;
            alias[k] = k;
        }
    }

    @Override
    public String name() {
        return "zipf";
    }

    public double exponent() {
        return exponent;
    }

    /** Page holding the given 0-based rank (0 = hottest). */
    public int pageOfRank(int rank) {
        return rankToPage[rank];
    }

    @Override
    public int pages() {
        return pages;
    }

    @Override
    public int epochAccesses(int epoch) {
        return accessesPerEpoch;
    }

    @Override
    public void fill(int epoch, int[] buf, int off) {
        final int n = pages;
        for (int i = off, end = off + accessesPerEpoch; i < end; i++) {
            long x = rnd.next();
            int col = SplitMix.bounded(x, n);
            int coin = (int) (x & 0x7FFF_FFFFL);
            int rank = coin < probScaled[col] ? col : alias[col];
            buf[i] = rankToPage[rank];
        }
    }
}
