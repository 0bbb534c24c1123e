package io.inferencebench.openai;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-request limits for goodput, as aiperf's {@code --goodput}: {@code ttft=300ms,itl=25ms,latency=2s}
 * (keys {@code ttft}, {@code ttst}, {@code itl}, {@code latency}; a bare number is milliseconds). A request
 * counts as good when it succeeded and met every limit; a figure it lacks (ITL of a one-token answer)
 * does not meet its limit.
 */
record ServiceLevels(Map<String, Double> limitsMs) {
    static final ServiceLevels NONE = new ServiceLevels(Map.of());

    static ServiceLevels parse(String text) throws OpenAiSettingsException {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<String, Double> limits = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part.strip() : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : part.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            double ms;
            try {
                ms = value.endsWith("ms") ? Double.parseDouble(value.substring(0, value.length() - 2))
                        : value.endsWith("s") ? Double.parseDouble(value.substring(0, value.length() - 1)) * 1000
                        : Double.parseDouble(value);
            } catch (NumberFormatException e) {
                ms = Double.NaN;
            }
            if (!(key.equals("ttft") || key.equals("ttst") || key.equals("itl") || key.equals("latency"))
                    || !(ms > 0) || Double.isInfinite(ms)) {
                throw new OpenAiSettingsException("The OpenAI Streaming Sampler's 'SLOs' part '" + part.strip()
                        + "' is not KEY=DURATION with a key of ttft, ttst, itl or latency: write e.g. ttft=300ms,itl=25ms.");
            }
            limits.put(key, ms);
        }
        return new ServiceLevels(Map.copyOf(limits));
    }

    /** {@code 1} when the request met every limit, {@code 0} when not, empty without limits. */
    String met(TokenMeasurement m) {
        if (limitsMs.isEmpty()) {
            return "";
        }
        if (!m.ok()) {
            return "0";
        }
        for (Map.Entry<String, Double> limit : limitsMs.entrySet()) {
            double value = switch (limit.getKey()) {
                case "ttft" -> m.ttftMs();
                case "ttst" -> m.ttstMs();
                case "itl" -> m.itlMs();
                default -> m.latencyMs();
            };
            if (!(value <= limit.getValue())) {
                return "0";
            }
        }
        return "1";
    }
}
