package io.thermocline.sampler.linux;

import java.util.List;
import java.util.function.LongPredicate;

/** Turns DAMON regions (physical ranges with an access count) into per-frame counts. */
public final class DamonRegions {

    private DamonRegions() {
    }

    /** Receives one frame and the access count of its region. */
    @FunctionalInterface
    public interface PfnSink {
        void accept(long pfn, int count);
    }

    /**
     * Emits every frame of {@code frames} (sorted ascending) that lies in a region with at least
     * {@code minAccesses} accesses, with that region's count. Regions are sorted by start (as
     * {@link DamonSysfs#snapshot()} returns them); both lists are walked once.
     *
     * @return frames emitted
     */
    public static int countFrames(List<DamonSysfs.Region> regions, long[] frames, int minAccesses, PfnSink sink) {
        int emitted = 0;
        int r = 0;
        for (long pfn : frames) {
            while (r < regions.size() && regions.get(r).endPfn() <= pfn) {
                r++;
            }
            if (r == regions.size()) {
                break;
            }
            DamonSysfs.Region reg = regions.get(r);
            if (reg.containsPfn(pfn) && reg.nrAccesses() >= minAccesses) {
                sink.accept(pfn, reg.nrAccesses());
                emitted++;
            }
        }
        return emitted;
    }

    /** Access count of the region holding a frame, -1 when no region covers it. */
    public static int accessesOf(List<DamonSysfs.Region> regions, long pfn) {
        int lo = 0;
        int hi = regions.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            DamonSysfs.Region reg = regions.get(mid);
            if (pfn < reg.startPfn()) {
                hi = mid - 1;
            } else if (pfn >= reg.endPfn()) {
                lo = mid + 1;
            } else {
                return reg.nrAccesses();
            }
        }
        return -1;
    }

    /** Frames of the given set inside regions with at least {@code minAccesses} accesses. */
    public static long countMatching(List<DamonSysfs.Region> regions, long[] frames, int minAccesses,
                                     LongPredicate filter) {
        long n = 0;
        for (long pfn : frames) {
            if (filter.test(pfn) && accessesOf(regions, pfn) >= minAccesses) {
                n++;
            }
        }
        return n;
    }
}
