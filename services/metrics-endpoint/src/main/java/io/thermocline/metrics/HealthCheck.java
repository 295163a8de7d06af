package io.thermocline.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** Answers {@code /health}. Must be cheap and thread-safe: it runs on the HTTP server's thread. */
@FunctionalInterface
public interface HealthCheck {

    Health check();

    /** Always up (a process that answers HTTP is alive). */
    static HealthCheck alwaysUp() {
        return Health::healthy;
    }

    /**
     * Up when every named check is up; details name each component's state (and the reason of those
     * down). A check that throws counts as down.
     */
    static HealthCheck all(Map<String, HealthCheck> checks) {
        Map<String, HealthCheck> copy = new LinkedHashMap<>(checks);
        return () -> {
            boolean up = true;
            Map<String, String> details = new LinkedHashMap<>();
            for (Map.Entry<String, HealthCheck> e : copy.entrySet()) {
                Health h;
                try {
                    h = e.getValue().check();
                } catch (RuntimeException ex) {
                    h = Health.unhealthy(ex.toString());
                }
                up &= h.up();
                String reason = h.details().get("reason");
                details.put(e.getKey(), (h.up() ? "UP" : "DOWN") + (reason == null ? "" : ": " + reason));
            }
            return new Health(up, details);
        };
    }
}
