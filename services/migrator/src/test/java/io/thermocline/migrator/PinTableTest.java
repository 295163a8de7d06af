package io.thermocline.migrator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.policy.PinSelector;
import org.junit.jupiter.api.Test;

class PinTableTest {

    static final MigrationTarget.ProcessInfo PROC = new MigrationTarget.ProcessInfo(7, "redis", "/kubepods/pod1/c1");

    @Test
    void selectorFieldsMustAllMatch() {
        assertTrue(PinTable.matches(new PinSelector(null, null, null, null, null), PROC, 7, 0x1000));
        assertTrue(PinTable.matches(new PinSelector("/kubepods/pod1", 7, "redis", 0x1000L, 0x2000L), PROC, 7,
                0x1fffL));
        assertFalse(PinTable.matches(new PinSelector(null, null, null, 0x1000L, 0x2000L), PROC, 7, 0x2000L));
        assertFalse(PinTable.matches(new PinSelector(null, 8, null, null, null), PROC, 7, 0x1000));
        assertFalse(PinTable.matches(new PinSelector(null, null, "nginx", null, null), PROC, 7, 0x1000));
        assertFalse(PinTable.matches(new PinSelector(null, null, "redis", null, null), null, 7, 0x1000),
                "a comm selector cannot match a process we cannot identify");
    }

    @Test
    void cgroupPrefixMatchesWholePathComponents() {
        assertTrue(PinTable.cgroupUnder("/kubepods/pod1/c1", "/kubepods/pod1"));
        assertTrue(PinTable.cgroupUnder("/kubepods/pod1", "/kubepods/pod1/"));
        assertTrue(PinTable.cgroupUnder("/a", "/"));
        assertFalse(PinTable.cgroupUnder("/kubepods/pod10", "/kubepods/pod1"));
    }
}
