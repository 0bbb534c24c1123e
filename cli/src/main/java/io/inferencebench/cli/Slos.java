package io.inferencebench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.inferencebench.outcome.Threshold;

/**
 * {@code --slo LIMIT,...} holds two kinds of limit in one syntax. A limit on one request's own figure
 * ({@code ttft<300ms}, {@code itl<25ms}, {@code latency<2s}) marks each request good or not (goodput, the
 * OpenAI sampler's SLOs). Any other figure is a percentile or a rate over the wave ({@code ttft.p90<300ms},
 * {@code p99=500ms}, {@code success_rate>=0.99}): a {@link Threshold} like {@code --threshold}, a gate of the
 * wave and a constraint of every step of {@code --find-max-rps}. As aiperf writes them, {@code FIGURE=VALUE}
 * reads as {@code FIGURE<=VALUE}, and a bare percentile {@code p99} is taken from the intended start
 * ({@code from_intended.p99}), so a queueing server cannot hide behind a late start.
 */
final class Slos {
    /** The figures a single request has (the sampler's per-request SLOs). */
    static final Set<String> PER_REQUEST = Set.of("ttft", "ttst", "itl", "latency");

    private static final Pattern ITEM = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(<=|>=|==|<|>|=)?(.*)");
    private static final Pattern PERCENTILE = Pattern.compile("p[0-9]+(\\.[0-9]+)?");

    private Slos() {
    }

    /** The wave-level limits of {@code --slo} as thresholds (none for {@code null}). */
    static List<Threshold> waveLevel(String slo) {
        List<Threshold> out = new ArrayList<>();
        for (String item : items(slo)) {
            Matcher m = ITEM.matcher(item);
            if (!m.matches() || isPerRequest(m.group(1))) {
                continue;
            }
            String figure = m.group(1).toLowerCase(Locale.ROOT);
            if (PERCENTILE.matcher(figure).matches()) {
                figure = "from_intended." + figure;
            }
            String op = m.group(2) == null ? "" : m.group(2).equals("=") ? "<=" : m.group(2);
            try {
                out.add(Threshold.parse(figure + op + m.group(3).strip()));
            } catch (Threshold.Invalid e) {
                throw new BadInputException("--slo '" + item.strip() + "': " + e.getMessage()
                        .replaceFirst("^Threshold '[^']*' ", "").replace("'latency.p99<500ms'", "'p99=500ms'"));
            }
        }
        return out;
    }

    /** The per-request limits of {@code --slo}, comma-separated as given, or {@code null} when there are none. */
    static String perRequest(String slo) {
        List<String> kept = new ArrayList<>();
        for (String item : items(slo)) {
            Matcher m = ITEM.matcher(item);
            if (!m.matches() || isPerRequest(m.group(1))) {
                kept.add(item.strip()); // unreadable items go to the sampler, which names the problem
            }
        }
        return kept.isEmpty() ? null : String.join(",", kept);
    }

    private static boolean isPerRequest(String figure) {
        return PER_REQUEST.contains(figure.toLowerCase(Locale.ROOT));
    }

    private static List<String> items(String slo) {
        if (slo == null) {
            return List.of();
        }
        return List.of(slo.split(",")).stream().filter(s -> !s.isBlank()).toList();
    }
}
