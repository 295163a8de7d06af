package io.thermocline.emulator.workload;

/** Uniform random accesses over the footprint, like kmmscand's abench (each iteration = one epoch). */
public final class UniformRandom implements Workload {
    private final int pages;
    private final int accessesPerEpoch;
    private final SplitMix rnd;

    public UniformRandom(int pages, int accessesPerEpoch, long seed) {
        if (pages <= 0) throw new IllegalArgumentException("footprint must be > 0 pages");
        if (accessesPerEpoch <= 0) throw new IllegalArgumentException("accesses per epoch must be > 0");
        this.pages = pages;
        this.accessesPerEpoch = accessesPerEpoch;
        this.rnd = new SplitMix(SplitMix.mix(seed, 2));
    }

    @Override
    public String name() {
        return "uniform";
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
        for (int i = off, end = off + accessesPerEpoch; i < end; i++) buf[i] = SplitMix.bounded(rnd.next(), n);
    }
}
