package io.thermocline.migrator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void burstThenSteadyRate() {
        RateLimiter r = new RateLimiter(1000, 2000, 0);
        assertTrue(r.tryAcquire(2000, 0));
        assertFalse(r.tryAcquire(1, 0));
        assertFalse(r.tryAcquire(1000, 999_000_000L));
        assertTrue(r.tryAcquire(1000, 1_000_000_000L));
        r.refund(500);
        assertTrue(r.tryAcquire(500, 1_000_000_000L));
        assertFalse(r.tryAcquire(1, 1_000_000_000L));
    }

    @Test
    void zeroRateMeansUnlimited() {
        RateLimiter r = new RateLimiter(0, 1, 0);
        assertTrue(r.unlimited());
        assertTrue(r.tryAcquire(Long.MAX_VALUE / 2, 0));
    }
}
