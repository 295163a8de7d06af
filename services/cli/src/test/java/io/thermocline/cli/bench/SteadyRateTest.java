package io.thermocline.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SteadyRateTest {

    @Test
    void countsBetweenTheFirstObservationsPastTenAndNinetyPercent() {
        SteadyRate r = new SteadyRate(1000);
        r.observe(50, 0);                  // start-up
        r.observe(120, 1_000_000_000L);    // first at or past 10%
        r.observe(500, 2_000_000_000L);
        r.observe(920, 3_000_000_000L);    // first at or past 90%
        r.observe(1000, 60_000_000_000L);  // the tail: not counted
        assertTrue(r.complete());
        assertEquals((920 - 120) * 512 / 2.0, r.perSecond(512), 1e-9);
        assertEquals(1_000_000_000L, r.milestones()[0]);
        assertEquals(3_000_000_000L, r.milestones()[1]);
        assertEquals(60_000_000_000L, r.milestones()[2]);
    }

    @Test
    void aPassSeenInOneStepHasNoSustainedRate() {
        SteadyRate r = new SteadyRate(1000);
        r.observe(0, 0);
        r.observe(1000, 5);
        assertTrue(r.complete());
        assertTrue(Double.isNaN(r.perSecond(1)));
        SteadyRate open = new SteadyRate(1000);
        open.observe(300, 1);
        assertFalse(open.complete());
        assertTrue(Double.isNaN(open.perSecond(1)));
        assertEquals(-1, open.milestones()[2]);
    }
}
