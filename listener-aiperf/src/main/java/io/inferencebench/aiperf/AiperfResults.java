package io.inferencebench.aiperf;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.outcome.AiperfReport;
import io.inferencebench.outcome.ServerMetricsReport;
import io.inferencebench.outcome.WaveOutcome;

/**
 * Reads what aiperf wrote into its artifact directory (docs: seed AIPERF.md) into the {@code aiperf}
 * section: the summary JSON in either shape (metrics at the top level, or an older release's under
 * {@code records}), else its CSV; the per-request JSONL for what was fired and aiperf's window.
 */
public final class AiperfResults {
    public static final String SUMMARY_JSON = "profile_export_aiperf.json";
    public static final String SUMMARY_CSV = "profile_export_aiperf.csv";
    public static final String REQUESTS_JSONL = "profile_export.jsonl";

    /** An older release's tags, by the current tag. */
    private static final Map<String, String> OLD_TAGS = Map.of("ttft", "time_to_first_token",
            "ttst", "time_to_second_token", "itl", "inter_token_latency");

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private AiperfResults() {
    }

    /**
     * The section as aiperf's files give it.
     *
     * @throws AiperfResultsException when the directory holds neither summary, or one cannot be read
     */
    public static AiperfReport read(Path dir) throws IOException {
        Path json = dir.resolve(SUMMARY_JSON);
        Path csv = dir.resolve(SUMMARY_CSV);
        Summary summary;
        if (Files.isRegularFile(json)) {
            summary = summaryJson(Files.readString(json, StandardCharsets.UTF_8), json);
        } else if (Files.isRegularFile(csv)) {
            summary = new Summary(AiperfCsv.parse(Files.readString(csv, StandardCharsets.UTF_8)), null, List.of(), null);
        } else {
            throw new AiperfResultsException("aiperf wrote no " + SUMMARY_JSON + " nor " + SUMMARY_CSV + " in " + dir);
        }
        Requests requests = requests(dir.resolve(REQUESTS_JSONL));
        return report(summary, requests);
    }

    /** The summary JSON of either shape. */
    static Summary summaryJson(String text, Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AiperfResultsException(file.getFileName() + " is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AiperfResultsException(file.getFileName() + " is not a JSON object");
        }
        JsonNode records = root.path("records");
        Map<String, AiperfReport.Metric> metrics = metrics(records.isObject() ? records : root);
        List<WaveOutcome.ErrorCount> errors = new ArrayList<>();
        for (JsonNode e : root.path("error_summary")) {
            JsonNode details = e.path("error_details");
            String type = details.path("type").asText("");
            String message = details.path("message").asText("");
            String code = details.path("code").isMissingNode() || details.path("code").isNull() ? "" : details.path("code").asText();
            String line = (code.isEmpty() ? "" : code + " ") + (type.isEmpty() ? "" : type + ": ") + message;
            errors.add(new WaveOutcome.ErrorCount(line.strip(), e.path("count").asLong()));
        }
        ServerMetricsReport.Window window = null;
        Instant start = instant(root.path("start_time"));
        Instant end = instant(root.path("end_time"));
        if (start != null && end != null) {
            window = ServerMetricsReport.Window.of(start, end);
        }
        String version = root.path("aiperf_version").isTextual() ? root.path("aiperf_version").textValue() : null;
        return new Summary(metrics, window, errors, version);
    }

    /** Every object with a {@code unit} is a metric; {@code null} ones (not computed) are left out. */
    private static Map<String, AiperfReport.Metric> metrics(JsonNode holder) {
        Map<String, AiperfReport.Metric> metrics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = holder.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode m = e.getValue();
            if (!m.isObject() || !m.has("unit")) {
                continue;
            }
            String tag = m.path("tag").isTextual() ? m.path("tag").textValue() : e.getKey();
            tag = OLD_TAGS.getOrDefault(tag, tag);
            metrics.put(tag, new AiperfReport.Metric(m.path("unit").asText(""), num(m, "avg"), num(m, "min"),
                    num(m, "max"), num(m, "p1"), num(m, "p5"), num(m, "p10"), num(m, "p25"), num(m, "p50"),
                    num(m, "p75"), num(m, "p90"), num(m, "p95"), num(m, "p99"), num(m, "std"), num(m, "count"),
                    num(m, "sum")));
        }
        return metrics;
    }

    private static Double num(JsonNode m, String stat) {
        JsonNode v = m.get(stat);
        return v != null && v.isNumber() ? v.doubleValue() : null;
    }

    /** aiperf writes Python's {@code datetime.isoformat()}: local time without an offset, or with one. */
    private static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        String text = node.textValue();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    /** The per-request file: how many requests the profiling phase sent, how many failed, and its window. */
    static Requests requests(Path jsonl) throws IOException {
        if (!Files.isRegularFile(jsonl)) {
            return null;
        }
        long fired = 0;
        long failed = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode r;
                try {
                    r = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    continue; // a line cut short by a crash: the summary has the figures
                }
                JsonNode meta = r.path("metadata");
                String phase = meta.path("benchmark_phase").asText("profiling");
                if (!phase.equalsIgnoreCase("profiling")) {
                    continue;
                }
                fired++;
                if (r.hasNonNull("error")) {
                    failed++;
                }
                if (meta.path("request_start_ns").isNumber()) {
                    first = Math.min(first, meta.path("request_start_ns").asLong());
                }
                long end = meta.path("request_end_ns").isNumber() ? meta.path("request_end_ns").asLong()
                        : meta.path("request_start_ns").asLong(Long.MIN_VALUE);
                last = Math.max(last, end);
            }
        }
        ServerMetricsReport.Window window = first <= last && first != Long.MAX_VALUE
                ? new ServerMetricsReport.Window(first / 1_000_000, last / 1_000_000) : null;
        return new Requests(fired, failed, window);
    }

    private static AiperfReport report(Summary s, Requests requests) {
        Double completed = value(s.metrics, "request_count");
        Double errored = value(s.metrics, "error_request_count");
        if (errored == null && !s.errors.isEmpty()) {
            errored = (double) s.errors.stream().mapToLong(WaveOutcome.ErrorCount::count).sum();
        }
        if (errored == null && requests != null) {
            errored = (double) requests.failed;
        }
        if (errored == null && completed != null) {
            errored = 0.0;
        }
        Long ok = completed == null ? null : Math.round(completed);
        Long failed = errored == null ? null : Math.round(errored);
        Long fired = requests != null ? Long.valueOf(requests.fired)
                : ok != null && failed != null ? Long.valueOf(ok + failed) : null;
        Double successRate = ok != null && failed != null && ok + failed > 0 ? ok / (double) (ok + failed) : null;
        Double duration = value(s.metrics, "benchmark_duration");
        Double min = value(s.metrics, "min_request_timestamp");
        Double max = value(s.metrics, "max_response_timestamp");
        ServerMetricsReport.Window window = requests != null && requests.window != null ? requests.window : s.window;
        if (min != null && max != null) {
            // aiperf's own request window (ns since the epoch), the same one its throughputs divide by
            window = new ServerMetricsReport.Window(Math.round(min / 1e6), Math.round(max / 1e6));
            if (duration == null) {
                duration = (max - min) / 1e9;
            }
        }
        if (duration == null && window != null) {
            duration = (window.endEpochMs() - window.startEpochMs()) / 1000.0;
        }
        Double rps = value(s.metrics, "request_throughput");
        return new AiperfReport(AiperfReport.OK, null, null, s.version, window, fired, ok, failed, duration, rps,
                successRate, s.metrics, s.errors, null);
    }

    private static Double value(Map<String, AiperfReport.Metric> metrics, String tag) {
        AiperfReport.Metric m = metrics.get(tag);
        return m == null ? null : m.avg();
    }

    record Summary(Map<String, AiperfReport.Metric> metrics, ServerMetricsReport.Window window,
                   List<WaveOutcome.ErrorCount> errors, String version) {
    }

    record Requests(long fired, long failed, ServerMetricsReport.Window window) {
    }
}
