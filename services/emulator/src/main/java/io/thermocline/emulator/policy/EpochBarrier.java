package io.thermocline.emulator.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lockstep hand-off between the emulator thread and an outside decision maker: the emulator waits in
 * {@link #awaitDecisions} until {@link #complete} delivers the decisions for exactly that epoch. Decisions that
 * arrive early (for a later epoch) are kept until their epoch is awaited.
 */
public final class EpochBarrier {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final java.util.TreeMap<Long, List<Decision>> ready = new java.util.TreeMap<>();

    /** Delivers the complete decision list for an epoch (an empty list is a valid "no moves"). */
    public void complete(long epoch, List<Decision> decisions) {
        lock.lock();
        try {
            ready.merge(epoch, new ArrayList<>(decisions), (a, b) -> {
                a.addAll(b);
                return a;
            });
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until decisions for {@code epoch} are complete; drops anything older. */
    public List<Decision> awaitDecisions(long epoch, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!ready.containsKey(epoch)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new TimeoutException("no decisions for epoch " + epoch + " within " + timeout);
                arrived.awaitNanos(left);
            }
            ready.headMap(epoch).clear();
            return ready.remove(epoch);
        } finally {
            lock.unlock();
        }
    }
}
