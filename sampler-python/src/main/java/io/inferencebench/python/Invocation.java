package io.inferencebench.python;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one request.
 *
 * @param ok           {@code invoke} returned (its return value is only read for measurements)
 * @param invokeNanos  {@code invoke}'s own time, measured in Python around the call
 * @param queueNanos   time the request waited in the client before its payload was taken
 *                     (pipe, a free Python thread, the GIL)
 * @param payloadNanos time taken to pick or build the payload
 * @param error        {@code "ExceptionType: message"} when not ok, else null
 * @param measurements what {@code invoke} returned in a dict: key to decimal text ({@code status}, {@code ttft_ms}, ...)
 */
public record Invocation(boolean ok, long invokeNanos, long queueNanos, long payloadNanos, String error,
                         Map<String, String> measurements) {

    static Invocation failed(String error) {
        return new Invocation(false, 0, 0, 0, error, Map.of());
    }

    /** A measurement's decimal text, or the empty string when invoke did not report it. */
    public String measurement(String key) {
        return measurements.getOrDefault(key, "");
    }

    /** Parses the worker's {@code key=value} lines. */
    static Map<String, String> parseMeasurements(String lines) {
        if (lines.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        int start = 0;
        while (start < lines.length()) {
            int end = lines.indexOf('\n', start);
            if (end < 0) {
                end = lines.length();
            }
            int eq = lines.indexOf('=', start);
            if (eq > start && eq < end) {
                values.put(lines.substring(start, eq), lines.substring(eq + 1, end));
            }
            start = end + 1;
        }
        return values;
    }
}
