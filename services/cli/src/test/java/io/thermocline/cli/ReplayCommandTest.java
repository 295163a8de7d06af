package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** replay's argument handling: bad flags fail before any connection, with a clear message. */
class ReplayCommandTest {

    /** Nothing listens here: a test that reached the broker would fail differently (timeout, not a usage error). */
    private static final String[] NOWHERE = {"--bootstrap-servers", "127.0.0.1:1", "--registry-url",
        "http://127.0.0.1:1", "--timeout", "2s"};

    private static CliRun replay(String... args) {
        String[] all = new String[args.length + NOWHERE.length + 1];
        all[0] = "replay";
        System.arraycopy(NOWHERE, 0, all, 1, NOWHERE.length);
        System.arraycopy(args, 0, all, 1 + NOWHERE.length, args.length);
        return CliRun.run(all);
    }

    @Test
    void unknownKeyIsAUsageError() {
        CliRun r = replay("--set", "window.size=2000");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unknown hotness parameter 'window.size'"), r.toString());
    }

    @Test
    void badValueNamesTheKey() {
        CliRun r = replay("--set", "window.ms=two-seconds");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("window.ms") && r.err().contains("two-seconds"), r.toString());
        CliRun range = replay("--set", "fast.headroom.fraction=1.5");
        assertNotEquals(0, range.exitCode(), range.toString());
        assertTrue(range.err().contains("fast.headroom.fraction"), range.toString());
    }

    @Test
    void malformedSettingAndReservedKey() {
        CliRun r = replay("--set", "rate.limit.mbps");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--set expects key=value"), r.toString());
        CliRun id = replay("--set", "application.id=thermocline-hotness");
        assertEquals(2, id.exitCode(), id.toString());
        assertTrue(id.err().contains("not a what-if parameter"), id.toString());
    }

    @Test
    void startOptionsAreExclusiveAndTimesParsed() {
        CliRun both = replay("--from-beginning", "--from-offset", "3");
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("mutually exclusive"), both.toString());
        CliRun time = replay("--from-time", "yesterday");
        assertEquals(2, time.exitCode(), time.toString());
        assertTrue(time.err().contains("ISO-8601"), time.toString());
    }

    @Test
    void anUnreachableBrokerIsReportedWithoutAStackTrace() {
        CliRun r = replay("--set", "window.ms=2000");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("error: Kafka error reading the retained topics"), r.toString());
        assertTrue(!r.err().contains("\tat "), r.toString());
    }

    @Test
    void helpExplainsIsolation() {
        CliRun r = CliRun.run("replay", "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("TopologyTestDriver"), r.out());
        assertTrue(r.out().contains("nothing is written"), r.out());
        assertTrue(r.out().contains("--from-time"), r.out());
    }
}
