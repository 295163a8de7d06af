package io.thermocline.cli.demo;

import io.thermocline.emulator.Machine;
import io.thermocline.emulator.policy.Decision;
import io.thermocline.emulator.policy.EpochInput;
import io.thermocline.emulator.policy.PlacementPolicy;
import io.thermocline.emulator.sample.SampleSource;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The emulator side of one host of the local run: Thermocline's real pipeline as a placement policy.
 * At each epoch boundary (while the emulator waits) the host's sampler publishes what it sees on this
 * policy's machine copy to Kafka, and the host's migrator executes the decisions the hotness app made,
 * by pid + VA on the same machine. The policy itself returns no decisions: every move comes through
 * Kafka, and the emulator accounts for it exactly as for the built-in policies (same access stream,
 * same cost model, same metrics).
 */
public final class PipelinePolicy implements PlacementPolicy {

    public static final String NAME = "thermocline-pipeline";
    /** Same PEBS-like sampling period as the in-process {@code thermocline} policy. */
    static final int PEBS_PERIOD = 8;

    private final String host;
    private final Supplier<Machine> machine;
    private final Fleet fleet;
    private HostAgents agents;

    PipelinePolicy(String host, Supplier<Machine> machine, Fleet fleet) {
        this.host = host;
        this.machine = machine;
        this.fleet = fleet;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<SampleSource> sources() {
        return Set.of(SampleSource.PEBS);
    }

    @Override
    public int pebsPeriod() {
        return PEBS_PERIOD;
    }

    @Override
    public List<Decision> decide(EpochInput input) {
        try {
            if (agents == null) {
                Machine m = machine.get();
                if (m == null) {
                    throw new IllegalStateException("no machine for " + NAME + " on " + host);
                }
                agents = fleet.startAgents(host, m);
            }
            agents.epochBoundary(input.epoch());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at epoch " + input.epoch() + " of " + host, e);
        } catch (Exception e) {
            throw new IllegalStateException(host + " epoch " + input.epoch() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (agents != null) {
            agents.close();
        }
    }
}
