package io.thermocline.metrics;

import java.util.Map;
import java.util.TreeMap;

/** Result of a health check: up or down, with details (component name to state or reason). */
public record Health(boolean up, Map<String, String> details) {

    public Health {
        details = Map.copyOf(details);
    }

    public static Health healthy() {
        return new Health(true, Map.of());
    }

    public static Health unhealthy(String reason) {
        return new Health(false, Map.of("reason", reason));
    }

    /** {@code {"status":"UP","details":{...}}} with keys sorted. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN").append('"');
        if (!details.isEmpty()) {
            sb.append(",\"details\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : new TreeMap<>(details).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            }
            sb.append('}');
        }
        return sb.append('}').toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
