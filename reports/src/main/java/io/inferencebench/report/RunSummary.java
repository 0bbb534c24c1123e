package io.inferencebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.inferencebench.outcome.ServerMetricsReport;
import io.inferencebench.outcome.Stats;
import io.inferencebench.outcome.SummaryV1;
import io.inferencebench.outcome.TokenMetrics;
import io.inferencebench.outcome.WaveOutcome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code summary.json} of one run directory (schema: docs/summary-json.md), read back as the
 * wave's own type, {@link WaveOutcome}, and turned into {@link Metric}s. Version 1 files are lifted
 * to version 2 first, so old runs compare with new ones. Unknown keys are ignored and a missing or
 * null part means "not measured", so runs of different shapes compare side by side.
 */
public final class RunSummary {
    /** The newest schema version this reader understands (it reads every one before it too). */
    public static final int SCHEMA_VERSION = WaveOutcome.SCHEMA_VERSION;
    public static final String FILE_NAME = WaveOutcome.FILE_NAME;

    static final String LATENCY = "latency";
    static final String LATENCY_FROM_INTENDED = "latency_from_intended";

    /** The figures every wave writes: without them a file is not a summary. */
    private static final List<String> REQUIRED = List.of("fired", "completed", "succeeded", "failed", "duration_s",
            "client_rps", "server_rps", "success_rate");

    // a newer aiperf adds "sum" beside its statistics: a total, not a statistic to select
    private static final Set<String> AIPERF_NON_STATISTICS = Set.of("unit", "tag", "header", "sum");
    /** Per-request measurements whose mean means nothing (an HTTP status code). */
    private static final Set<String> UNPLOTTED_MEASUREMENTS = Set.of("status");
    /** Measurements the {@code tokens} section shows, when a wave has one. */
    private static final Set<String> TOKEN_MEASUREMENTS = Set.of("ttft_ms", "output_tokens", "input_tokens");

    private final Path directory;
    private final WaveOutcome outcome;
    private final List<Metric> metrics;
    private final List<String> notes;

    private RunSummary(Path directory, WaveOutcome outcome) {
        this.directory = directory;
        this.outcome = outcome;
        this.metrics = new ArrayList<>();
        this.notes = new ArrayList<>();
        readWave();
        readTokens();
        readAiperf();
        readServerMetrics();
    }

    /**
     * Reads {@code summary.json} from a run directory.
     *
     * @throws ReportInputException when the directory is not a run, or its summary is missing,
     *                              unreadable, not JSON, or of a schema version this reader does not know
     */
    public static RunSummary read(Path runDirectory) {
        if (!Files.isDirectory(runDirectory)) {
            throw new ReportInputException(Files.exists(runDirectory)
                    ? runDirectory + " is a file, not a run directory: pass the directories a wave wrote (they hold summary.json)."
                    : "Run directory " + runDirectory + " does not exist: pass the directories a wave wrote (they hold summary.json).");
        }
        Path file = runDirectory.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = JsonInput.parse(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ReportInputException(runDirectory + " is not a run directory: it has no " + FILE_NAME
                    + " (pass the directories a wave wrote, e.g. results/20261129_101500_benchmark).");
        } catch (JsonProcessingException e) {
            throw new ReportInputException(file + " is not valid JSON (" + JsonInput.problem(e)
                    + "): restore it or run the wave again.", e);
        } catch (IOException e) {
            throw new ReportInputException("Cannot read " + file + " (" + e.getMessage() + "): check its permissions.", e);
        }
        if (root == null || !root.isObject()) {
            throw new ReportInputException(file + " is not a JSON object, so it is not an InferenceBench summary: restore it or run the wave again.");
        }
        JsonNode version = root.get("schema_version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber()) {
            throw new ReportInputException(file + " has no integer schema_version, so it was not written by InferenceBench: pass run directories written by a wave.");
        }
        int v = version.intValue();
        if (v != SummaryV1.SCHEMA_VERSION && v != SCHEMA_VERSION) {
            String fix = v > SCHEMA_VERSION
                    ? "upgrade InferenceBench to compare it."
                    : "run the wave again with this InferenceBench.";
            throw new ReportInputException(file + " has schema_version " + v + ", which this InferenceBench (it reads "
                    + "versions " + SummaryV1.SCHEMA_VERSION + " and " + SCHEMA_VERSION + ") does not know: " + fix);
        }
        JsonNode tree = v == SummaryV1.SCHEMA_VERSION ? SummaryV1.upgrade((ObjectNode) root) : root;
        for (String key : REQUIRED) {
            if (!tree.path(key).isNumber()) {
                // a count read as 0 would be plotted as a measured 0: refuse the file instead
                throw new ReportInputException(file + " has no number for " + key + ", so it is not a whole "
                        + "InferenceBench summary: restore it or run the wave again.");
            }
        }
        try {
            return new RunSummary(runDirectory, WaveOutcome.fromJson(tree));
        } catch (IllegalArgumentException e) {
            throw new ReportInputException(file + " does not have the shape of schema_version " + v + " ("
                    + shapeProblem(e) + "): restore it or run the wave again.", e);
        }
    }

    public Path directory() {
        return directory;
    }

    /** The run directory's basename: the key of {@code --plot-metadata}. */
    public String directoryName() {
        Path name = directory.toAbsolutePath().normalize().getFileName();
        return name == null ? directory.toString() : name.toString();
    }

    /** What the wave drove: a URL or a factories file (never with credentials); empty if absent. */
    public String target() {
        return outcome.spec() == null || outcome.spec().target() == null ? "" : outcome.spec().target();
    }

    /** The run as the wave wrote it. */
    public WaveOutcome outcome() {
        return outcome;
    }

    /** {@code http} or {@code python}; empty if absent. */
    public String mode() {
        return outcome.spec() == null || outcome.spec().mode() == null ? "" : outcome.spec().mode();
    }

    /** Wave start, epoch milliseconds, or -1 when the summary has none. */
    public long waveStartEpochMs() {
        return outcome.waveStartEpochMs() > 0 ? outcome.waveStartEpochMs() : -1;
    }

    /** Every metric the run measured, wave first, then aiperf, then server metrics. */
    public List<Metric> metrics() {
        return List.copyOf(metrics);
    }

    /** Things worth a line in the report, such as a server-metric stream that failed. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Which key held what, e.g. {@code fired: Cannot deserialize value of type `long` from String "many"}. */
    private static String shapeProblem(IllegalArgumentException e) {
        if (e.getCause() instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            String where = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("the file");
            String what = m.getOriginalMessage() == null ? "unreadable" : m.getOriginalMessage().lines().findFirst().orElse("");
            return where + ": " + what.trim();
        }
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable");
    }

    private void readWave() {
        WaveOutcome o = outcome;
        Double targetRps = o.targetRps();
        single("target_rps", targetRps, "Target RPS", "req/s", ValueStyle.DECIMAL, false);
        distribution(LATENCY, o.latencyMs(), "Latency", "ms", true, List.of("latency_ms", "Service time"));
        distribution(LATENCY_FROM_INTENDED, o.latencyFromIntendedMs(), "Latency from intended start", "ms", true,
                List.of("latency_from_intended_ms", "Latency from the intended start", "Corrected latency"));
        single("client_rps", o.clientRps(), "Client RPS", "req/s", ValueStyle.DECIMAL, true);
        single("server_rps", o.serverRps(), "Server RPS", "req/s", ValueStyle.DECIMAL, true);
        single("success_rate", o.successRate(), "Success rate", "%", ValueStyle.PERCENT, true);
        single("fired", (double) o.fired(), "Total requests fired", "requests", ValueStyle.COUNT, true, "Requests fired");
        single("completed", (double) o.completed(), "Total requests", "requests", ValueStyle.COUNT, true, "Completed",
                "Requests completed");
        single("duration_s", o.durationS(), "Duration", "s", ValueStyle.DECIMAL, true);
        single("succeeded", (double) o.succeeded(), "Succeeded", "requests", ValueStyle.COUNT, false);
        single("failed", (double) o.failed(), "Failed", "requests", ValueStyle.COUNT, false);
        single("success_threshold", o.spec() == null ? null : o.spec().successThreshold(), "Success threshold", "%",
                ValueStyle.PERCENT, false);
        yesNo("passed", o.passed(), "Passed");
        single("late_starts", (double) o.lateStarts(), "Late starts", "requests", ValueStyle.COUNT, false);
        single("dropped_starts", (double) o.droppedStarts(), "Dropped starts", "requests", ValueStyle.COUNT, false);
        distribution("lateness", o.latenessMs(), "Start lateness", "ms", false, List.of("lateness_ms"));
        distribution("queue", o.queueMs(), "Client queue time", "ms", false, List.of("queue_ms"));
        WaveOutcome.Threads threads = o.threads();
        if (threads != null) {
            single("threads_started", (double) threads.started(), "Threads started", "threads", ValueStyle.COUNT, false);
            single("threads_max", (double) threads.maxThreads(), "Thread cap", "threads", ValueStyle.COUNT, false);
            yesNo("threads_cap_reached", threads.capReached(), "Thread cap reached");
        }
        WaveOutcome.Verdict verdict = o.clientBottleneck();
        if (verdict != null) {
            yesNo("client_bottleneck", verdict.detected(), "Client bottleneck detected");
            if (verdict.detected()) {
                List<String> causes = new ArrayList<>();
                verdict.causes().forEach(c -> causes.add(c.cause() == null ? "" : c.cause()));
                causes.removeIf(String::isBlank);
                notes.add("client bottleneck in " + directoryName() + (causes.isEmpty() ? "" : " (" + String.join(", ", causes) + ")")
                        + ": the client, not the endpoint, limited that wave, so its figures understate the endpoint");
            }
        }
        // an LLM wave's token section plots these with aiperf's definitions: one panel each, not two
        boolean tokens = o.section(TokenMetrics.SECTION) != null;
        o.measurements().forEach((key, stats) -> {
            String[] nameAndUnit = measurementNameAndUnit(key);
            distribution("measurement:" + key, stats, nameAndUnit[0], nameAndUnit[1],
                    !UNPLOTTED_MEASUREMENTS.contains(key) && !(tokens && TOKEN_MEASUREMENTS.contains(key)), List.of(key));
        });
    }

    /** The {@code tokens} section: a panel per token figure, named as aiperf names them. */
    private void readTokens() {
        TokenMetrics t = outcome.section(TokenMetrics.SECTION);
        if (t == null) {
            return;
        }
        single("tokens:output_token_throughput", t.outputTokenThroughput(), "Output token throughput", "tokens/s",
                ValueStyle.DECIMAL, true, "output_token_throughput");
        single("tokens:goodput", t.goodput(), "Goodput", "req/s", ValueStyle.DECIMAL, true, "goodput");
        distribution("tokens:time_to_first_token", t.timeToFirstTokenMs(), "Time to first token", "ms", true,
                List.of("time_to_first_token", "ttft"));
        distribution("tokens:inter_token_latency", t.interTokenLatencyMs(), "Inter-token latency", "ms", true,
                List.of("inter_token_latency", "itl"));
        distribution("tokens:time_to_second_token", t.timeToSecondTokenMs(), "Time to second token", "ms", true,
                List.of("time_to_second_token"));
        distribution("tokens:request_latency", t.requestLatencyMs(), "Request latency to the last token", "ms", false,
                List.of("request_latency"));
        distribution("tokens:output_tokens", t.outputTokens(), "Output tokens per request", "tokens", true,
                List.of("output_sequence_length"));
        distribution("tokens:input_tokens", t.inputTokens(), "Input tokens per request", "tokens", false,
                List.of("input_sequence_length"));
        distribution("tokens:output_token_throughput_per_user", t.outputTokenThroughputPerUser(),
                "Output token throughput per user", "tokens/s", true, List.of("output_token_throughput_per_user"));
    }

    private void readAiperf() {
        JsonNode aiperf = outcome.sectionJson("aiperf");
        JsonNode tags = aiperf == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : aiperf.path("metrics");
        for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String tag = entry.getKey();
            JsonNode node = entry.getValue();
            if (!node.isObject() || tag.endsWith("_timestamp")) {
                // null means aiperf did not compute it; timestamps are instants, not comparable quantities
                continue;
            }
            Map<String, Double> statistics = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> stats = node.fields(); stats.hasNext(); ) {
                Map.Entry<String, JsonNode> stat = stats.next();
                if (!AIPERF_NON_STATISTICS.contains(stat.getKey()) && stat.getValue().isNumber()) {
                    statistics.put(stat.getKey().equals("avg") ? "mean" : stat.getKey(), stat.getValue().doubleValue());
                }
            }
            if (statistics.isEmpty()) {
                continue;
            }
            String unit = node.path("unit").asText("");
            ValueStyle style = tag.endsWith("_count") || tag.startsWith("total_") ? ValueStyle.COUNT : ValueStyle.DECIMAL;
            List<String> aliases = new ArrayList<>(List.of(tag));
            aliases.addAll(AiperfNames.aliases(tag));
            boolean distribution = statistics.keySet().stream().anyMatch(k -> k.startsWith("p") && !k.equals("mean"));
            if (distribution) {
                add(new Metric(Source.AIPERF, "aiperf:" + tag, AiperfNames.header(tag), unit, null,
                        Metric.Kind.DISTRIBUTION, style, true, aliases, ordered(statistics)));
            } else {
                Double value = statistics.getOrDefault("mean", statistics.values().iterator().next());
                add(new Metric(Source.AIPERF, "aiperf:" + tag, AiperfNames.header(tag), unit, null,
                        Metric.Kind.SINGLE, style, true, aliases, Map.of(Metric.VALUE, value)));
            }
        }
    }

    private void readServerMetrics() {
        ServerMetricsReport report = outcome.section(ServerMetricsReport.SECTION);
        if (report == null || report.streams() == null) {
            return;
        }
        for (ServerMetricsReport.StreamReport stream : report.streams()) {
            String streamName = stream.stream() == null ? "server" : stream.stream();
            if ("failed".equals(stream.status())) {
                notes.add(streamName + " metrics failed for " + directoryName() + ": "
                        + (stream.error() == null ? "no reason given" : stream.error()));
            }
            for (ServerMetricsReport.MetricReport metric : stream.metrics()) {
                String name = metric.name() == null ? "" : metric.name();
                if (name.isEmpty()) {
                    continue;
                }
                Map<String, Double> statistics = new LinkedHashMap<>();
                metric.statistics().forEach((k, v) -> {
                    if (v != null) {
                        statistics.put(k, v);
                    }
                });
                if (!statistics.isEmpty()) {
                    add(new Metric(Source.SERVER, "server:" + streamName + "/" + name, name,
                            metric.unit() == null ? "" : metric.unit(), streamName, Metric.Kind.STATISTICS,
                            ValueStyle.DECIMAL, true, List.of(streamName + " " + name), statistics));
                }
            }
        }
    }

    private void single(String id, Double value, String name, String unit, ValueStyle style, boolean plotted,
                        String... aliases) {
        if (value != null && !value.isNaN()) {
            add(new Metric(Source.WAVE, id, name, unit, null, Metric.Kind.SINGLE, style, plotted,
                    List.of(withKey(id, aliases)), Map.of(Metric.VALUE, value)));
        }
    }

    private static String[] withKey(String key, String... aliases) {
        String[] all = new String[aliases.length + 1];
        all[0] = key;
        System.arraycopy(aliases, 0, all, 1, aliases.length);
        return all;
    }

    private void yesNo(String id, boolean value, String name) {
        add(new Metric(Source.WAVE, id, name, "", null, Metric.Kind.SINGLE, ValueStyle.YES_NO, false,
                List.of(), Map.of(Metric.VALUE, value ? 1.0 : 0.0)));
    }

    private void distribution(String id, Stats stats, String name, String unit, boolean plotted, List<String> aliases) {
        if (stats == null) {
            return;
        }
        Map<String, Double> statistics = new LinkedHashMap<>();
        put(statistics, "mean", stats.mean());
        put(statistics, "min", stats.min());
        put(statistics, "p50", stats.p50());
        put(statistics, "p90", stats.p90());
        put(statistics, "p99", stats.p99());
        put(statistics, "max", stats.max());
        if (id.startsWith("measurement:")) {
            // a measurement's count and sum are figures of their own (tokens in all); a latency's count is just `completed`
            if (stats.count() != null) {
                statistics.put("count", stats.count().doubleValue());
            }
            put(statistics, "sum", stats.sum());
        }
        if (!statistics.isEmpty()) {
            add(new Metric(Source.WAVE, id, name, unit, null, Metric.Kind.DISTRIBUTION, ValueStyle.DECIMAL, plotted, aliases,
                    ordered(statistics)));
        }
    }

    private static void put(Map<String, Double> statistics, String key, Double value) {
        if (value != null) {
            statistics.put(key, value);
        }
    }

    /** mean, min, the percentiles in rising order, max, then the rest (count, sum, std) as read. */
    private static Map<String, Double> ordered(Map<String, Double> statistics) {
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (String key : List.of("mean", "min")) {
            if (statistics.containsKey(key)) {
                ordered.put(key, statistics.get(key));
            }
        }
        statistics.keySet().stream()
                .filter(k -> k.matches("p\\d+(\\.\\d+)?"))
                .sorted((a, b) -> Double.compare(Double.parseDouble(a.substring(1)), Double.parseDouble(b.substring(1))))
                .forEach(k -> ordered.put(k, statistics.get(k)));
        if (statistics.containsKey("max")) {
            ordered.put("max", statistics.get("max"));
        }
        statistics.forEach(ordered::putIfAbsent);
        return ordered;
    }

    private static String[] measurementNameAndUnit(String key) {
        return switch (key) {
            case "input_tokens" -> new String[] {"Input tokens", "tokens"};
            case "output_tokens" -> new String[] {"Output tokens", "tokens"};
            case "ttft_ms" -> new String[] {"Time to first token", "ms"};
            case "response_bytes" -> new String[] {"Response size", "bytes"};
            case "status" -> new String[] {"Status code", ""};
            default -> {
                boolean millis = key.endsWith("_ms");
                String words = (millis ? key.substring(0, key.length() - 3) : key).replace('_', ' ').trim();
                String name = words.isEmpty() ? key
                        : words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
                yield new String[] {name, millis ? "ms" : ""};
            }
        };
    }

    private void add(Metric metric) {
        metrics.add(metric);
    }
}
