package io.thermocline.migrator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.thermocline.avro.decision.DecisionReason;
import io.thermocline.avro.decision.MigrationDecision;
import io.thermocline.avro.decision.MigrationResult;
import io.thermocline.avro.decision.MigrationStatus;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.MoveCause;
import io.thermocline.avro.telemetry.PfnMove;
import io.thermocline.metrics.ThermoclineMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and executes decisions for one host; no Kafka here (the service wraps it in transactions). Order of checks,
 * cheapest and most final first: DUPLICATE (id already handled), wrong host (FAILED), EXPIRED, PINNED (local pin
 * copy), re-resolution of pid+VA (NOT_PRESENT / STALE_PFN / already on the target node), RATE_LIMITED; the survivors
 * are moved in one batch. Every handled id is recorded, so a redelivery is answered DUPLICATE and never moves twice.
 */
public final class DecisionExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionExecutor.class);
    /** Values of the {@code direction} tag of the bytes-moved counter. */
    public static final String DIRECTION_PROMOTE = "promote";
    public static final String DIRECTION_DEMOTE = "demote";
    public static final String DIRECTION_PIN = "pin";
    static final long PAGE_BYTES = 4096;

    /** Result of one decision, with the PFN move it caused (MOVED only). */
    public record Outcome(MigrationDecision decision, MigrationResult result, PfnMove move) {
        public MigrationStatus status() {
            return result.getStatus();
        }
    }

    private final String host;
    private final MigrationTarget target;
    private final PinTable pins;
    private final RateLimiter limiter;
    private final AppliedDecisions applied;
    private final Clock clock;
    private final LongSupplier nanoTime;
    /** Frame value of a recovered decision whose move was not recorded (crash during the moves). */
    public static final long UNKNOWN_FRAME = -1;
    /** Decisions a previous instance had in flight: id -> frame it moved the page to, or UNKNOWN_FRAME. */
    private final Map<String, Long> recovered = new HashMap<>();
    private final Map<MigrationStatus, Counter> counters = new EnumMap<>(MigrationStatus.class);
    private final Map<DecisionReason, Counter> bytesMoved = new EnumMap<>(DecisionReason.class);
    private final Counter duplicates;
    private final Timer moveTimer;

    public DecisionExecutor(String host, MigrationTarget target, PinTable pins, RateLimiter limiter,
                            AppliedDecisions applied, Clock clock, LongSupplier nanoTime, MeterRegistry meters) {
        this.host = host;
        this.target = target;
        this.pins = pins;
        this.limiter = limiter;
        this.applied = applied;
        this.clock = clock;
        this.nanoTime = nanoTime;
        for (MigrationStatus s : MigrationStatus.values()) {
            counters.put(s, ThermoclineMetrics.RESULTS_METER.counter(meters, ThermoclineMetrics.TAG_STATUS, s.name()));
        }
        for (DecisionReason r : DecisionReason.values()) {
            String dir = switch (r) {
                case PROMOTE_HOT -> DIRECTION_PROMOTE;
                case DEMOTE_COLD -> DIRECTION_DEMOTE;
                default -> DIRECTION_PIN;
            };
            bytesMoved.put(r, ThermoclineMetrics.BYTES_MOVED_METER.counter(meters, ThermoclineMetrics.TAG_DIRECTION,
                    dir));
        }
        this.duplicates = ThermoclineMetrics.DUPLICATE_DECISIONS_METER.counter(meters);
        this.moveTimer = ThermoclineMetrics.MIGRATION_DURATION_METER.timer(meters);
    }

    public AppliedDecisions applied() {
        return applied;
    }

    /**
     * Decisions a previous instance was executing when it stopped (see {@link InflightJournal}): if such a decision
     * comes back and its page already sits on the target node in a new frame, that instance moved it.
     */
    public void recoverInflight(Map<String, Long> ids) {
        recovered.putAll(ids);
    }

    /** Handles a batch in order; returns one outcome per decision. */
    public List<Outcome> execute(List<MigrationDecision> batch) {
        long nowMs = clock.millis();
        Outcome[] out = new Outcome[batch.size()];
        List<Integer> toMove = new ArrayList<>();
        List<Long> currentPfns = new ArrayList<>();
        Set<String> inBatch = new HashSet<>();
        Map<Integer, MigrationTarget.ProcessInfo> procs = new HashMap<>();
        long[] resolved = resolveAll(batch);
        for (int i = 0; i < batch.size(); i++) {
            MigrationDecision d = batch.get(i);
            if (applied.contains(d.getDecisionId()) || !inBatch.add(d.getDecisionId())) {
                out[i] = refuse(d, MigrationStatus.DUPLICATE, 0, "decision already handled", nowMs);
                continue;
            }
            if (!host.equals(d.getHost())) {
                out[i] = refuse(d, MigrationStatus.FAILED, 0, "decision for host " + d.getHost(), nowMs);
                continue;
            }
            if (d.getDeadlineMs().toEpochMilli() < nowMs) {
                out[i] = refuse(d, MigrationStatus.EXPIRED, 0,
                        "deadline passed " + (nowMs - d.getDeadlineMs().toEpochMilli()) + " ms ago", nowMs);
                continue;
            }
            if (!target.hasNode(d.getToNode())) {
                out[i] = refuse(d, MigrationStatus.FAILED, 0, "no node " + d.getToNode(), nowMs);
                continue;
            }
            Optional<PolicyPin> pin = pins.forbidding(procs.computeIfAbsent(d.getPid(), target::process),
                    d.getPid(), d.getVaddr(),
                    d.getToNode(), target, nowMs);
            if (pin.isPresent()) {
                out[i] = refuse(d, MigrationStatus.PINNED, 0, "pin " + pin.get().getPinId(), nowMs);
                continue;
            }
            long current = resolved[i];
            if (current < 0) {
                out[i] = refuse(d, MigrationStatus.NOT_PRESENT, 0, "pid+VA maps no page", nowMs);
                continue;
            }
            Long movedTo = recovered.remove(d.getDecisionId());
            if (current != d.getPfn() && movedTo != null && (movedTo == UNKNOWN_FRAME
                    ? target.nodeOfPfn(current) == d.getToNode() : movedTo == current)) {
                long doneMs = clock.millis();
                bytesMoved.get(d.getReason()).increment(PAGE_BYTES << d.getFolioOrder());
                PfnMove move = new PfnMove(host, d.getPfn(), current, d.getPid(), d.getVaddr(), d.getFromNode(),
                        d.getToNode(), MoveCause.MIGRATOR, d.getDecisionId(), Instant.ofEpochMilli(doneMs));
                out[i] = record(d, result(d, MigrationStatus.MOVED, current, 0,
                        "moved by the previous migrator instance before it stopped", 0, doneMs), move);
                continue;
            }
            if (current != d.getPfn()) {
                out[i] = refuse(d, MigrationStatus.STALE_PFN, 0,
                        "pid+VA now maps pfn " + current + ", decision named " + d.getPfn(), nowMs);
                continue;
            }
            if (target.nodeOfPfn(current) == d.getToNode()) {
                out[i] = refuse(d, MigrationStatus.FAILED, 0, "already on node " + d.getToNode(), nowMs);
                continue;
            }
            if (!limiter.tryAcquire(PAGE_BYTES << d.getFolioOrder(), nanoTime.getAsLong())) {
                out[i] = refuse(d, MigrationStatus.RATE_LIMITED, 0, "host migration budget exhausted", nowMs);
                continue;
            }
            toMove.add(i);
            currentPfns.add(current);
        }
        if (!toMove.isEmpty()) {
            List<MigrationTarget.MoveRequest> reqs = new ArrayList<>(toMove.size());
            for (int i : toMove) {
                MigrationDecision d = batch.get(i);
                reqs.add(new MigrationTarget.MoveRequest(d.getPid(), d.getVaddr(), d.getFolioOrder(), d.getToNode()));
            }
            long t0 = nanoTime.getAsLong();
            List<MigrationTarget.MoveOutcome> results = target.move(reqs);
            long elapsed = nanoTime.getAsLong() - t0;
            long perDecisionMicros = elapsed / 1000 / toMove.size();
            long doneMs = clock.millis();
            for (int k = 0; k < toMove.size(); k++) {
                int i = toMove.get(k);
                MigrationDecision d = batch.get(i);
                MigrationTarget.MoveOutcome mo = results.get(k);
                long oldPfn = currentPfns.get(k);
                if (mo.status() == MigrationStatus.MOVED && mo.newPfn() == oldPfn) {
                    mo = MigrationTarget.MoveOutcome.failed(MigrationStatus.FAILED, 0, "frame did not change");
                }
                if (mo.status() != MigrationStatus.MOVED) {
                    limiter.refund(PAGE_BYTES << d.getFolioOrder());
                    out[i] = record(d, result(d, mo.status(), null, mo.errno(), mo.detail(), perDecisionMicros,
                            doneMs), null);
                    continue;
                }
                bytesMoved.get(d.getReason()).increment(PAGE_BYTES << d.getFolioOrder());
                moveTimer.record(elapsed / toMove.size(), TimeUnit.NANOSECONDS);
                MigrationResult r = result(d, MigrationStatus.MOVED, mo.newPfn(), 0, null, perDecisionMicros, doneMs);
                PfnMove move = new PfnMove(host, oldPfn, mo.newPfn(), d.getPid(), d.getVaddr(),
                        target.nodeOfPfn(oldPfn), mo.newNode(), MoveCause.MIGRATOR, d.getDecisionId(),
                        Instant.ofEpochMilli(doneMs));
                out[i] = record(d, r, move);
            }
        }
        return List.of(out);
    }

    /** Frames of every decision's pid+VA, one target call per pid. */
    private long[] resolveAll(List<MigrationDecision> batch) {
        Map<Integer, List<Integer>> byPid = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            byPid.computeIfAbsent(batch.get(i).getPid(), p -> new ArrayList<>()).add(i);
        }
        long[] out = new long[batch.size()];
        for (Map.Entry<Integer, List<Integer>> e : byPid.entrySet()) {
            long[] vas = e.getValue().stream().mapToLong(i -> batch.get(i).getVaddr()).toArray();
            long[] pfns = target.resolve(e.getKey(), vas);
            for (int k = 0; k < vas.length; k++) {
                out[e.getValue().get(k)] = pfns[k];
            }
        }
        return out;
    }

    private Outcome refuse(MigrationDecision d, MigrationStatus status, int errno, String detail, long nowMs) {
        LOG.debug("decision {} refused: {} ({})", d.getDecisionId(), status, detail);
        return record(d, result(d, status, null, errno, detail, 0, nowMs), null);
    }

    private Outcome record(MigrationDecision d, MigrationResult r, PfnMove move) {
        if (r.getStatus() != MigrationStatus.DUPLICATE) {
            applied.add(d.getDecisionId());
        }
        counters.get(r.getStatus()).increment();
        if (r.getStatus() == MigrationStatus.DUPLICATE) {
            duplicates.increment();
        }
        return new Outcome(d, r, move);
    }

    private MigrationResult result(MigrationDecision d, MigrationStatus status, Long newPfn, int errno,
                                   String detail, long latencyMicros, long doneMs) {
        // all-args constructor: the builder validates every field, which costs more than the checks themselves
        return new MigrationResult(d.getDecisionId(), host, d.getPid(), d.getVaddr(), d.getPfn(), newPfn,
                d.getFromNode(), d.getToNode(), status, errno, detail, latencyMicros, d.getEvidenceMs(),
                Instant.ofEpochMilli(doneMs));
    }
}
