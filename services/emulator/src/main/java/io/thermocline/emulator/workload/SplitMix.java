package io.thermocline.emulator.workload;

/** SplitMix64: a tiny, fast, seedable generator for the access hot loops (no allocation, no locks). */
final class SplitMix {
    private long state;

    SplitMix(long seed) {
        this.state = seed;
    }

    long next() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform int in [0, n) from the high 32 bits of a random value (multiply-shift, no division). */
    static int bounded(long r, int n) {
        return (int) (((r >>> 32) * n) >>> 32);
    }

    /** Mixes a seed with a stream id so every (seed, stream) has an independent sequence. */
    static long mix(long seed, long stream) {
        return new SplitMix(seed ^ (stream * 0xD1B54A32D192ED03L)).next();
    }
}
