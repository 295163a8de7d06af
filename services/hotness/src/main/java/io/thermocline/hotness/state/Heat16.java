package io.thermocline.hotness.state;

/**
 * Unsigned 16-bit floating encoding of a non-negative heat value: 5-bit exponent, 11-bit mantissa.
 * Exact below 2048, then 11-12 significant bits up to ~4.4e12. Monotone: a &lt; b implies encode(a) &lt;= encode(b).
 */
public final class Heat16 {

    public static final int MAX_CODE = 0xFFFF;
    private static final int MANTISSA_BITS = 11;
    private static final int MANTISSA_MASK = (1 << MANTISSA_BITS) - 1;
    private static final long EXACT_LIMIT = 1L << MANTISSA_BITS;
    private static final int MAX_EXPONENT = 31;
    /** The largest value an encoding holds. */
    public static final long MAX_VALUE = (EXACT_LIMIT + MANTISSA_MASK) << (MAX_EXPONENT - 1);

    private Heat16() {
    }

    public static int encode(long value) {
        if (value <= 0) {
            return 0;
        }
        if (value < EXACT_LIMIT) {
            return (int) value;
        }
        int e = 63 - Long.numberOfLeadingZeros(value) - (MANTISSA_BITS - 1);
        if (e > MAX_EXPONENT) {
            return MAX_CODE;
        }
        long m = (value >>> (e - 1)) - EXACT_LIMIT;
        return (e << MANTISSA_BITS) | (int) m;
    }

    public static long decode(int code) {
        int e = (code & 0xFFFF) >>> MANTISSA_BITS;
        int m = code & MANTISSA_MASK;
        return e == 0 ? m : (EXACT_LIMIT + m) << (e - 1);
    }

    /**
     * The value as stored: {@code decode(encode(value))}, without the round trip (exact below 2048, else the top
     * 12 significant bits kept; saturating).
     */
    public static long quantize(long value) {
        if (value < EXACT_LIMIT) {
            return Math.max(value, 0);
        }
        int low = 63 - Long.numberOfLeadingZeros(value) - MANTISSA_BITS; // bits dropped: e - 1
        if (low >= MAX_EXPONENT) {
            return MAX_VALUE;
        }
        return value & -(1L << low);
    }

    /** Log2 bin of a heat value as Memtis bins counts: 0 for 0, 1 for 1, 2 for 2-3, 3 for 4-7, ... */
    public static int bin(long heat) {
        return heat <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(heat);
    }

    /** Smallest heat in a bin. */
    public static long binFloor(int bin) {
        return bin <= 0 ? 0 : 1L << (bin - 1);
    }
}
