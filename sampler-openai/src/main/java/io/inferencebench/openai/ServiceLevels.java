package io.inferencebench.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.inferencebench.outcome.Threshold;

/**
 * Per-request limits for goodput, in the one syntax of {@code --threshold} and the capacity search:
 * {@code ttft<300ms,itl<25ms,latency<2s} (figures {@code ttft}, {@code ttst}, {@code itl}, {@code latency};
 * a bare number is milliseconds). aiperf's {@code ttft=300ms} form is read as {@code ttft<=300ms}. A
 * request counts as good when it succeeded and met every limit; a figure it lacks (ITL of a one-token
 * answer) does not meet its limit.
 */
record ServiceLevels(List<Threshold.RequestLimit> limits) {
    static final ServiceLevels NONE = new ServiceLevels(List.of());
    private static final Set<String> FIGURES = Set.of("ttft", "ttst", "itl", "latency");

    static ServiceLevels parse(String text) throws OpenAiSettingsException {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Threshold.RequestLimit> limits = new ArrayList<>();
        for (String part : text.split(",")) {
            String limit = part.strip();
            // aiperf writes a limit as KEY=VALUE: at most VALUE
            String expression = limit.matches("[A-Za-z_]+\\s*=[^=].*") ? limit.replaceFirst("=", "<=") : limit;
            Threshold.RequestLimit parsed;
            try {
                parsed = Threshold.RequestLimit.parse(expression, FIGURES);
            } catch (Threshold.Invalid e) {
                parsed = null;
            }
            // goodput counts requests under their limits: only upper limits of a positive time make sense
            if (parsed == null || !(parsed.valueMs() > 0) || Double.isInfinite(parsed.valueMs())
                    || parsed.op() != Threshold.Op.LT && parsed.op() != Threshold.Op.LE) {
                throw new OpenAiSettingsException("The OpenAI Streaming Sampler's 'SLOs' part '" + limit
                        + "' is not FIGURE<TIME with a figure of ttft, ttst, itl or latency: write e.g. ttft<300ms,itl<25ms.");
            }
            limits.add(parsed);
        }
        return new ServiceLevels(List.copyOf(limits));
    }

    /** {@code 1} when the request met every limit, {@code 0} when not, empty without limits. */
    String met(TokenMeasurement m) {
        if (limits.isEmpty()) {
            return "";
        }
        if (!m.ok()) {
            return "0";
        }
        for (Threshold.RequestLimit limit : limits) {
            double value = switch (limit.figure()) {
                case "ttft" -> m.ttftMs();
                case "ttst" -> m.ttstMs();
                case "itl" -> m.itlMs();
                default -> m.latencyMs();
            };
            if (Double.isNaN(value) || !limit.holds(value)) {
                return "0";
            }
        }
        return "1";
    }
}
