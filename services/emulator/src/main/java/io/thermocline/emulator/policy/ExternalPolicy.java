package io.thermocline.emulator.policy;

import io.thermocline.emulator.sample.SampleSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A policy whose decisions come from outside the emulator (the Kafka pipeline). At each epoch boundary the
 * emulator hands the epoch's {@link EpochInput} (samples, node stats, PFN moves) to the registered listeners,
 * which publish it; decisions come back through {@link #submit(long, List)}.
 * <ul>
 * <li>Lockstep: {@code decide} blocks until the decisions for that epoch have been submitted, so epoch e+1 runs
 * only after the decisions for epoch e are applied: runs through Kafka are reproducible.</li>
 * <li>Free-running: {@code decide} returns whatever was submitted so far ({@link #submit(List)}) and never waits.</li>
 * </ul>
 * Outcomes of applied decisions go to the outcome listeners (the migrator publishes them as results).
 */
public final class ExternalPolicy implements PlacementPolicy {
    public static final String NAME = "external";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final boolean lockstep;
    private final Duration timeout;
    private final Set<SampleSource> sources;
    private final EpochBarrier barrier = new EpochBarrier();
    private final List<Decision> pending = new ArrayList<>();
    private final List<Consumer<EpochInput>> epochListeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<EpochInput, List<DecisionOutcome>>> outcomeListeners = new CopyOnWriteArrayList<>();

    public ExternalPolicy(String name, boolean lockstep, Duration timeout, Set<SampleSource> sources) {
        this.name = name;
        this.lockstep = lockstep;
        this.timeout = timeout;
        this.sources = Set.copyOf(sources);
    }

    /** Lockstep, PAGE_IDLE + PEBS samples, named "external". */
    public ExternalPolicy() {
        this(NAME, true, DEFAULT_TIMEOUT, Set.of(SampleSource.PAGE_IDLE, SampleSource.PEBS));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<SampleSource> sources() {
        return sources;
    }

    public boolean lockstep() {
        return lockstep;
    }

    public void addEpochListener(Consumer<EpochInput> l) {
        epochListeners.add(l);
    }

    public void addOutcomeListener(BiConsumer<EpochInput, List<DecisionOutcome>> l) {
        outcomeListeners.add(l);
    }

    /** Lockstep: the complete decisions for {@code epoch} (call once per epoch, possibly with an empty list). */
    public void submit(long epoch, List<Decision> decisions) {
        barrier.complete(epoch, decisions);
    }

    /** Free-running: decisions applied at the next epoch boundary. */
    public void submit(List<Decision> decisions) {
        synchronized (pending) {
            pending.addAll(decisions);
        }
    }

    @Override
    public List<Decision> decide(EpochInput input) {
        for (Consumer<EpochInput> l : epochListeners) l.accept(input);
        if (!lockstep) {
            synchronized (pending) {
                List<Decision> out = new ArrayList<>(pending);
                pending.clear();
                return out;
            }
        }
        try {
            return barrier.awaitDecisions(input.epoch(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for decisions of epoch " + input.epoch(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void applied(EpochInput input, List<DecisionOutcome> outcomes) {
        for (BiConsumer<EpochInput, List<DecisionOutcome>> l : outcomeListeners) l.accept(input, outcomes);
    }
}
