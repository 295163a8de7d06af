package io.thermocline.migrator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids of decisions this host's migrator already handled (executed or refused), so a redelivered decision is never
 * executed twice. Bounded: the oldest ids are evicted first; a decision older than the eviction horizon is past its
 * deadline anyway and is refused as EXPIRED. Rebuilt at start from the host's committed results (tc.results).
 */
public final class AppliedDecisions {

    private final int capacity;
    private final Map<String, Boolean> ids;

    public AppliedDecisions(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.capacity = capacity;
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > AppliedDecisions.this.capacity;
            }
        };
    }

    public synchronized boolean contains(String decisionId) {
        return ids.containsKey(decisionId);
    }

    /** Records an id; returns false if it was already there. */
    public synchronized boolean add(String decisionId) {
        return ids.put(decisionId, Boolean.TRUE) == null;
    }

    public synchronized void remove(String decisionId) {
        ids.remove(decisionId);
    }

    public synchronized int size() {
        return ids.size();
    }
}
