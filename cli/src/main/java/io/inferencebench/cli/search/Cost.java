package io.inferencebench.cli.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the found rate costs: pure arithmetic on the search's answer, assuming the rate scales with the
 * instances behind the endpoint (each instance sustains found / instances).
 */
final class Cost {
    private Cost() {
    }

    /**
     * @param foundRps   the maximum sustainable rate with {@code instances} instances
     * @param priceUsd   per instance-hour, or {@code null}
     * @param tokensPerS output tokens per second at the found rate, or {@code null} when not measured
     * @param targetRps  a rate to plan for, or {@code null}
     * @param headroom   share of each instance's sustainable rate left unused in the plan
     */
    static CapacityReport.Cost of(double foundRps, int instances, Double priceUsd, Double tokensPerS, Double targetRps,
                                  double headroom) {
        double perInstanceRps = foundRps / instances;
        double requestsPerHourPerInstance = perInstanceRps * 3600;
        double usdPerHour = priceUsd == null ? Double.NaN : priceUsd * instances;
        Double perMillionRequests = priceUsd == null ? null : usdPerHour / (foundRps * 3600) * 1e6;
        Double perMillionTokens = priceUsd == null || tokensPerS == null || !(tokensPerS > 0) ? null
                : usdPerHour / (tokensPerS * 3600) * 1e6;
        Integer needed = targetRps == null ? null
                : (int) Math.max(1, Math.ceil(targetRps / (perInstanceRps * (1 - headroom)) - 1e-9));
        return new CapacityReport.Cost(priceUsd, instances, round(requestsPerHourPerInstance),
                perMillionRequests == null ? null : round(perMillionRequests),
                perMillionTokens == null ? null : round(perMillionTokens), targetRps,
                targetRps == null ? null : headroom, needed);
    }

    static List<String> lines(CapacityReport.Cost c) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "   Per instance:     %s requests/hour (%d instance%s during the search)",
                StepJudge.number(c.requestsPerHourPerInstance()), c.instances(), c.instances() == 1 ? "" : "s"));
        if (c.instancePriceUsdPerHour() != null) {
            out.add(String.format(Locale.ROOT, "   Cost:             $%s per 1M requests%s (at $%s per instance-hour)",
                    money(c.usdPerMillionRequests()), c.usdPerMillionOutputTokens() == null ? ""
                            : ", $" + money(c.usdPerMillionOutputTokens()) + " per 1M output tokens",
                    money(c.instancePriceUsdPerHour())));
        }
        if (c.instancesNeeded() != null) {
            out.add(String.format(Locale.ROOT, "   %-18s%d instance%s (each planned at %s%% of its sustainable rate)",
                    "For " + CapacitySearch.rate(c.targetRps()) + " req/s:", c.instancesNeeded(), c.instancesNeeded() == 1 ? "" : "s",
                    StepJudge.number(100 * (1 - c.headroom()))));
        }
        return out;
    }

    private static String money(double usd) {
        return usd >= 100 ? String.format(Locale.ROOT, "%.0f", usd)
                : new java.math.BigDecimal(usd).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static double round(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
    }
}
