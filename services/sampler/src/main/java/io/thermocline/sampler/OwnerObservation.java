package io.thermocline.sampler;

/**
 * One page seen mapped during an ownership scan: (pid, va) maps {@code pfn}.
 *
 * @param shared     more than one mapping refers to the frame
 * @param folioOrder order of the folio holding the frame (0 = base page)
 * @param node       node of the frame, -1 when unknown
 */
public record OwnerObservation(int pid, long vaddr, long pfn, String comm, String cgroup, boolean shared,
                               int folioOrder, int node) {
}
