package io.thermocline.emulator.workload;

/**
 * GUPS with a hot set, after HeMem's {@code gups-hotset}: a contiguous hot set at a seeded random offset
 * receives {@code hotProbability} of the updates, the rest go uniformly over the whole table. With a phase
 * period, the hot set jumps to a new random offset every {@code phaseEpochs} epochs (gups-hotset-move,
 * the phase-shift workload).
 */
public class GupsHotset implements Workload {
    private final String name;
    private final int pages;
    private final int hotPages;
    private final long hotThreshold;   // compared with the low 32 bits of a random value
    private final int accessesPerEpoch;
    private final int phaseEpochs;     // 0 = never moves
    private final long seed;
    private final SplitMix rnd;

    public GupsHotset(int pages, double hotFraction, double hotProbability, int accessesPerEpoch, long seed) {
        this("gups-hotset", pages, hotFraction, hotProbability, accessesPerEpoch, 0, seed);
    }

    protected GupsHotset(String name, int pages, double hotFraction, double hotProbability, int accessesPerEpoch,
                         int phaseEpochs, long seed) {
        if (pages <= 0) throw new IllegalArgumentException("footprint must be > 0 pages");
        if (!(hotFraction > 0 && hotFraction <= 1)) throw new IllegalArgumentException("hot fraction must be in (0,1]");
        if (!(hotProbability >= 0 && hotProbability <= 1)) {
            throw new IllegalArgumentException("hot probability must be in [0,1]");
        }
        if (accessesPerEpoch <= 0) throw new IllegalArgumentException("accesses per epoch must be > 0");
        this.name = name;
        this.pages = pages;
        this.hotPages = Math.max(1, (int) Math.round(pages * hotFraction));
        this.hotThreshold = (long) (hotProbability * 4294967296.0);
        this.accessesPerEpoch = accessesPerEpoch;
        this.phaseEpochs = phaseEpochs;
        this.seed = seed;
        this.rnd = new SplitMix(SplitMix.mix(seed, 1));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int pages() {
        return pages;
    }

    public int hotPages() {
        return hotPages;
    }

    /** First page of the hot set during an epoch. */
    public int hotStart(int epoch) {
        int phase = phaseEpochs == 0 ? 0 : epoch / phaseEpochs;
        return SplitMix.bounded(SplitMix.mix(seed, 1000 + phase), pages - hotPages + 1);
    }

    @Override
    public int epochAccesses(int epoch) {
        return accessesPerEpoch;
    }

    @Override
    public void fill(int epoch, int[] buf, int off) {
        final int hotStart = hotStart(epoch);
        final int hot = hotPages;
        final int all = pages;
        final long th = hotThreshold;
        final SplitMix r = rnd;
        final int end = off + accessesPerEpoch;
        for (int i = off; i < end; i++) {
            long x = r.next();
            buf[i] = (x & 0xFFFF_FFFFL) < th ? hotStart + SplitMix.bounded(x, hot) : SplitMix.bounded(x, all);
        }
    }
}
