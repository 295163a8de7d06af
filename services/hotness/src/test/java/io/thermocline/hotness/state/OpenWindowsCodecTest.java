package io.thermocline.hotness.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OpenWindowsCodecTest {

    @Test
    void setAndRemoveWindowsInAnyOrderAsAMapWould() {
        SplittableRandom rnd = new SplittableRandom(29);
        for (int round = 0; round < 200; round++) {
            TreeMap<Long, byte[]> model = new TreeMap<>();
            byte[] value = null;
            for (int op = 0; op < 30; op++) {
                long start = 1000L * rnd.nextInt(6);
                if (rnd.nextInt(3) == 0) {
                    model.remove(start);
                    value = value == null ? null : OpenWindows.without(value, start);
                } else {
                    byte[] counts = new byte[rnd.nextInt(40)];
                    rnd.nextBytes(counts);
                    model.put(start, counts);
                    value = OpenWindows.with(value, start, counts);
                }
                assertArrayEquals(model.keySet().stream().mapToLong(Long::longValue).toArray(), OpenWindows.starts(value));
                for (long s = 0; s < 6000; s += 1000) {
                    assertArrayEquals(model.get(s), OpenWindows.counts(value, s), "window " + s);
                }
                if (model.isEmpty()) {
                    assertNull(value);
                }
            }
        }
    }

    @Test
    void corruptValuesAreRejected() {
        byte[] value = OpenWindows.with(OpenWindows.with(null, 0, new byte[] {1, 2, 3}), 1000, new byte[] {4});
        for (int len = 0; len < value.length; len++) {
            byte[] cut = Arrays.copyOf(value, len);
            assertThrows(IllegalStateException.class, () -> OpenWindows.starts(cut), "length " + len);
        }
        byte[] trailing = Arrays.copyOf(value, value.length + 1);
        assertThrows(IllegalStateException.class, () -> OpenWindows.counts(trailing, 0));
        byte[] version = value.clone();
        version[0] = 9;
        assertThrows(IllegalStateException.class, () -> OpenWindows.with(version, 0, new byte[0]));
        for (int windows : new int[] {-1, 3}) {
            byte[] count = value.clone();
            ByteBuffer.wrap(count).putInt(1, windows);
            assertThrows(IllegalStateException.class, () -> OpenWindows.starts(count));
        }
    }
}
