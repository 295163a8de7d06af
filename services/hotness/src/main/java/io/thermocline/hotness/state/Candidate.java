package io.thermocline.hotness.state;

/** A page stage 1 proposes to stage 2: hot on a slower tier, cold on a faster tier, or living against a pin. */
public record Candidate(long pfn, int generation, long heat, int pid, long vaddr, int folioOrder, String cgroup,
                        String comm) {

    public Candidate withHeat(long h) {
        return new Candidate(pfn, generation, h, pid, vaddr, folioOrder, cgroup, comm);
    }
}
