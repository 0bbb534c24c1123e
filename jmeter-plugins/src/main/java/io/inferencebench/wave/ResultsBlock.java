package io.inferencebench.wave;

import java.util.List;
import java.util.Locale;

import io.inferencebench.outcome.Stats;
import io.inferencebench.outcome.ClientRate;
import io.inferencebench.outcome.LostEngines;
import io.inferencebench.outcome.TokenMetrics;
import io.inferencebench.outcome.WaveOutcome;

/** The RESULTS block printed after a wave, in the original tool's layout, plus latency and pacing lines. */
public final class ResultsBlock {
    private ResultsBlock() {
    }

    public static String render(WaveOutcome s) {
        StringBuilder b = new StringBuilder();
        b.append("RESULTS – InferenceBenchmarker\n");
        b.append("------------------------------\n");
        b.append(String.format(Locale.ROOT, "   Total requests fired: %d%n%n", s.fired()));
        b.append(String.format(Locale.ROOT, "   Duration:         %.1fs%n", s.durationS()));
        if (s.targetRps() != null) {
            ClientRate shape = s.section(ClientRate.SECTION);
            b.append(String.format(Locale.ROOT, "   Client RPS:       %s req/s (target %s, %.1f%%)%s%n",
                    rate(s.clientRps()), rate(s.targetRps()),
                    s.targetRps() > 0 ? 100.0 * s.clientRps() / s.targetRps() : 0,
                    shape == null || shape.perSecondMin() == null ? ""
                            : " | per second " + shape.perSecondMin() + "-" + shape.perSecondMax()));
            LostEngines lost = s.section(LostEngines.SECTION);
            if (lost != null) {
                for (LostEngines.Lost l : lost.lostEngines()) {
                    b.append(String.format(Locale.ROOT, "   Partial run:      remote engine %s lost %.1f s into the wave; "
                            + "its share after that is missing%n", l.host(),
                            Math.max(0, l.lostAtEpochMs() - s.waveStartEpochMs()) / 1000.0));
                }
            }
            if (shape != null && shape.startsAfterWindow() > 0) {
                b.append(String.format(Locale.ROOT, "   After the window: %d %s started after the planned %ss "
                        + "(the client fell behind and caught up late)%n", shape.startsAfterWindow(),
                        shape.startsAfterWindow() == 1 ? "request" : "requests", rate(shape.windowS())));
            }
            b.append(String.format(Locale.ROOT, "   Late starts:      %d | dropped: %d%s%s%n", s.lateStarts(),
                    s.droppedStarts(), s.latenessMs() == null ? ""
                            : String.format(Locale.ROOT, " | lateness p99 %.2f ms, max %.2f ms",
                                    s.latenessMs().p99(), s.latenessMs().max()),
                    shape == null || shape.lateOver10msEarly() == null || shape.lateOver10ms() == 0 ? ""
                            : String.format(Locale.ROOT, " | over %d ms: %d, %d of them in the first %d s",
                                    ClientRate.LATE_MS, shape.lateOver10ms(), shape.lateOver10msEarly(),
                                    ClientRate.EARLY_SECONDS)));
            WaveOutcome.Threads t = s.threads();
            if (t != null && t.peak() != null) {
                b.append(String.format(Locale.ROOT, "   Client threads:   peak %d of at most %d%s%s%n", t.peak(),
                        t.maxThreads(), t.kind() == null ? "" : " (" + t.kind() + (t.platformFirst() == null
                                || t.platformFirst() == 0 ? "" : " beyond " + t.platformFirst() + " platform") + ")",
                        t.capReached() ? " | cap reached" : ""));
            }
        }
        b.append(String.format(Locale.ROOT, "   Server RPS:       %s req/s%n", rate(s.serverRps())));
        b.append(String.format(Locale.ROOT, "   Total requests:   %d%n", s.completed()));
        b.append(String.format(Locale.ROOT, "   Success rate:     %.1f%% (%s, %s target)%n", s.successRate() * 100,
                s.passed() ? "✓ passed" : "❌ failed", percent(s.successThreshold())));
        if (s.latencyMs() != null) {
            b.append(String.format(Locale.ROOT, "   Latency (ms):     p50 %s | p90 %s | p99 %s | max %s%n",
                    ms(s.latencyMs().p50()), ms(s.latencyMs().p90()), ms(s.latencyMs().p99()), ms(s.latencyMs().max())));
        }
        if (s.latencyFromIntendedMs() != null && s.latenessMs() != null) {
            b.append(String.format(Locale.ROOT, "   From intended:    p50 %s | p90 %s | p99 %s | max %s%n",
                    ms(s.latencyFromIntendedMs().p50()), ms(s.latencyFromIntendedMs().p90()),
                    ms(s.latencyFromIntendedMs().p99()), ms(s.latencyFromIntendedMs().max())));
        }
        TokenMetrics tokens = s.section(TokenMetrics.SECTION);
        if (tokens != null) {
            tokenLines(b, tokens);
        }
        List<WaveOutcome.ErrorCount> errors = s.errors();
        if (!errors.isEmpty()) {
            b.append("   Errors:\n");
            for (WaveOutcome.ErrorCount e : errors.subList(0, Math.min(5, errors.size()))) {
                b.append(String.format(Locale.ROOT, "     %6d x %s%n", e.count(), e.message()));
            }
        }
        return b.toString();
    }

    /** Shown only for an LLM wave: its token throughput and aiperf's per-request distributions. */
    private static void tokenLines(StringBuilder b, TokenMetrics t) {
        b.append(String.format(Locale.ROOT, "   Output tokens:    %s tok/s | total %s | per request p50 %s%s%n",
                t.outputTokenThroughput() == null ? "N/A" : rate(t.outputTokenThroughput()),
                t.totalOutputTokens() == null ? "N/A" : t.totalOutputTokens().toString(),
                t.outputTokens() == null ? "N/A" : String.format(Locale.ROOT, "%.0f", t.outputTokens().p50()),
                t.tokensCountedAs() == null ? "" : " (counted as " + t.tokensCountedAs() + ")"));
        distribution(b, "TTFT (ms):", t.timeToFirstTokenMs());
        distribution(b, "ITL (ms):", t.interTokenLatencyMs());
        if (t.goodput() != null) {
            b.append(String.format(Locale.ROOT, "   Goodput:          %s req/s (%d requests met every SLO)%n",
                    rate(t.goodput()), t.goodRequests()));
        }
    }

    private static void distribution(StringBuilder b, String name, Stats s) {
        if (s != null) {
            b.append(String.format(Locale.ROOT, "   %-18sp50 %s | p90 %s | p99 %s | max %s%n", name,
                    ms2(s.p50()), ms2(s.p90()), ms2(s.p99()), ms2(s.max())));
        }
    }

    private static String ms2(Double v) {
        return v == null ? "N/A" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String rate(double r) {
        return r >= 100 || r == Math.rint(r) ? String.format(Locale.ROOT, "%.1f", r)
                : String.format(Locale.ROOT, "%.2f", r);
    }

    private static String ms(Double v) {
        return v == null ? "N/A" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String percent(double fraction) {
        double p = fraction * 100;
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
    }
}
