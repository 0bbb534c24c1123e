package io.inferencebench.outcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The {@code aiperf} section: what NVIDIA aiperf measured when it ran against the same endpoint after
 * the wave (or instead of it, {@code --aiperf-only}), read from the files it wrote under {@code aiperf/}
 * in the run directory. {@code metrics} keeps aiperf's own tags and statistics, as its summary JSON has
 * them, so a reader compares them with the {@code tokens} section (same definitions) figure by figure.
 *
 * @param status         {@code ok}, or {@code failed} (aiperf missing, exited non-zero, or wrote no summary)
 * @param error          one sentence saying what failed, or {@code null}
 * @param command        the command line that ran, the API key replaced by {@code ***}
 * @param aiperfVersion  the release that wrote the files, when they say
 * @param window         from aiperf's first request to its last response, epoch ms (its own clock)
 * @param fired          requests aiperf sent in its profiling phase
 * @param completed      requests that succeeded ({@code request_count})
 * @param failed         requests that failed ({@code error_request_count})
 * @param durationS      {@code benchmark_duration}, seconds
 * @param serverRps      {@code request_throughput}, the original tool's "Server RPS" of aiperf
 * @param successRate    completed / (completed + failed), 0-1; {@code null} when nothing completed or failed
 * @param metrics        aiperf's metric tags (current names: an older release's {@code ttft} reads as
 *                       {@code time_to_first_token}) to their unit and statistics
 * @param errors         aiperf's {@code error_summary}: a message per error type and its count
 * @param serverMetrics  the endpoint's server metrics for aiperf's window, with {@code --endpoint-config}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"status", "error", "command", "aiperf_version", "window", "fired", "completed", "failed",
        "duration_s", "server_rps", "success_rate", "metrics", "errors", "server_metrics"})
public record AiperfReport(String status, String error, String command, String aiperfVersion,
                           ServerMetricsReport.Window window, Long fired, Long completed, Long failed,
                           Double durationS, Double serverRps, Double successRate,
                           Map<String, Metric> metrics, List<WaveOutcome.ErrorCount> errors,
                           ServerMetricsReport serverMetrics) {

    /** Its place in {@code summary.json}. */
    public static final SectionKey<AiperfReport> SECTION = new SectionKey<>("aiperf", AiperfReport.class);

    public static final String OK = "ok";
    public static final String FAILED = "failed";

    public AiperfReport {
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** aiperf did not give results: {@code error} says why in one sentence. */
    public static AiperfReport failed(String command, String error) {
        return new AiperfReport(FAILED, error, command, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean ok() {
        return OK.equals(status);
    }

    /** One metric by its current tag, or {@code null}. */
    public Metric metric(String tag) {
        return metrics.get(tag);
    }

    public AiperfReport withServerMetrics(ServerMetricsReport report) {
        return new AiperfReport(status, error, command, aiperfVersion, window, fired, completed, failed, durationS,
                serverRps, successRate, metrics, errors, report);
    }

    public AiperfReport withCommand(String text) {
        return new AiperfReport(status, error, text, aiperfVersion, window, fired, completed, failed, durationS,
                serverRps, successRate, metrics, errors, serverMetrics);
    }

    /**
     * One aiperf metric: its unit and whichever statistics aiperf gave (a single-value metric has only
     * {@code avg}); a statistic aiperf did not give is {@code null} and left out of the JSON.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"unit", "avg", "min", "max", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99",
            "std", "count", "sum"})
    public record Metric(String unit, Double avg, Double min, Double max, Double p1, Double p5, Double p10,
                         Double p25, Double p50, Double p75, Double p90, Double p95, Double p99, Double std,
                         Double count, Double sum) {

        /** A metric with one value (a count, a throughput, a duration). */
        public static Metric single(String unit, double value) {
            return new Metric(unit, value, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null);
        }
    }
}
