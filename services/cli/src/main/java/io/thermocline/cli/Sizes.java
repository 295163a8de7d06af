package io.thermocline.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Memory sizes on the command line: "1GiB", "256MiB", "4096" (bytes), "65536p" (4 KiB pages). */
public final class Sizes {

    static final int PAGE_SIZE = 4096;
    static final Pattern SIZE =
            Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib|p|pages)\\s*");

    private Sizes() {
    }

    /** Pages of 4 KiB; binary units for K/M/G/T and KiB..., decimal for KB/MB/GB/TB. */
    public static long pages(String s) {
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad size '" + s + "' (e.g. 1GiB, 256MiB, 65536p)");
        }
        double v = Double.parseDouble(m.group(1));
        String u = m.group(2).toLowerCase(Locale.ROOT);
        if (u.equals("p") || u.equals("pages")) {
            return (long) v;
        }
        double mult = switch (u) {
            case "", "b" -> 1;
            case "k", "kib" -> 1L << 10;
            case "kb" -> 1e3;
            case "m", "mib" -> 1L << 20;
            case "mb" -> 1e6;
            case "g", "gib" -> 1L << 30;
            case "gb" -> 1e9;
            case "t", "tib" -> 1L << 40;
            default -> 1e12;
        };
        return (long) Math.ceil(v * mult / PAGE_SIZE);
    }

    /** picocli converter to pages. */
    public static final class PagesConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return pages(value);
        }
    }
}
