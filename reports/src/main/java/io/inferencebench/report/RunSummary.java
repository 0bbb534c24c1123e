package io.inferencebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

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
 * The {@code summary.json} of one run directory (schema: docs/summary-json.md), read into
 * {@link Metric}s. Only the file's documented keys are read; unknown keys are ignored and a
 * missing or null section means "not measured", so runs of different shapes compare side by side.
 */
public final class RunSummary {
    /** The schema version this reader understands. */
    public static final int SCHEMA_VERSION = 1;
    public static final String FILE_NAME = "summary.json";

    static final String LATENCY = "latency";
    static final String LATENCY_FROM_INTENDED = "latency_from_intended";

    private static final Set<String> AIPERF_NON_STATISTICS = Set.of("unit", "tag", "header");
    /** Per-request measurements whose mean means nothing (an HTTP status code). */
    private static final Set<String> UNPLOTTED_MEASUREMENTS = Set.of("status");

    private final Path directory;
    private final JsonNode root;
    private final List<Metric> metrics;
    private final List<String> notes;

    private RunSummary(Path directory, JsonNode root) {
        this.directory = directory;
        this.root = root;
        this.metrics = new ArrayList<>();
        this.notes = new ArrayList<>();
        readWave();
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
        if (version.intValue() != SCHEMA_VERSION) {
            String fix = version.intValue() > SCHEMA_VERSION
                    ? "upgrade InferenceBench to compare it."
                    : "run the wave again with this InferenceBench.";
            throw new ReportInputException(file + " has schema_version " + version.intValue()
                    + ", which this InferenceBench (it reads version " + SCHEMA_VERSION + ") does not know: " + fix);
        }
        return new RunSummary(runDirectory, root);
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
        return root.path("target").asText("");
    }

    /** {@code http} or {@code python}; empty if absent. */
    public String mode() {
        return root.path("mode").asText("");
    }

    /** Wave start, epoch milliseconds, or -1 when the summary has none. */
    public long waveStartEpochMs() {
        JsonNode start = root.path("wave_start_epoch_ms");
        return start.isNumber() ? start.longValue() : -1;
    }

    /** Every metric the run measured, wave first, then aiperf, then server metrics. */
    public List<Metric> metrics() {
        return List.copyOf(metrics);
    }

    /** Things worth a line in the report, such as a server-metric stream that failed. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private void readWave() {
        single("target_rps", "target_rps", "Target RPS", "req/s", ValueStyle.DECIMAL, false);
        distribution(LATENCY, root.path("latency_ms"), "Latency", "ms", true, List.of("latency_ms", "Service time"));
        distribution(LATENCY_FROM_INTENDED, root.path("latency_from_intended_ms"), "Latency from intended start", "ms", true,
                List.of("latency_from_intended_ms", "Latency from the intended start", "Corrected latency"));
        single("client_rps", "client_rps", "Client RPS", "req/s", ValueStyle.DECIMAL, true);
        single("server_rps", "server_rps", "Server RPS", "req/s", ValueStyle.DECIMAL, true);
        single("success_rate", "success_rate", "Success rate", "%", ValueStyle.PERCENT, true);
        single("fired", "fired", "Total requests fired", "requests", ValueStyle.COUNT, true, "Requests fired");
        single("completed", "completed", "Total requests", "requests", ValueStyle.COUNT, true, "Completed", "Requests completed");
        single("duration_s", "duration_s", "Duration", "s", ValueStyle.DECIMAL, true);
        single("succeeded", "succeeded", "Succeeded", "requests", ValueStyle.COUNT, false);
        single("failed", "failed", "Failed", "requests", ValueStyle.COUNT, false);
        single("success_threshold", "success_threshold", "Success threshold", "%", ValueStyle.PERCENT, false);
        yesNo("passed", root.path("passed"), "Passed");
        single("late_starts", "late_starts", "Late starts", "requests", ValueStyle.COUNT, false);
        single("dropped_starts", "dropped_starts", "Dropped starts", "requests", ValueStyle.COUNT, false);
        distribution("lateness", root.path("lateness_ms"), "Start lateness", "ms", false, List.of("lateness_ms"));
        distribution("queue", root.path("queue_ms"), "Client queue time", "ms", false, List.of("queue_ms"));
        JsonNode threads = root.path("threads");
        singleNode("threads_started", threads.path("started"), "Threads started", "threads", ValueStyle.COUNT, false);
        singleNode("threads_max", threads.path("max_threads"), "Thread cap", "threads", ValueStyle.COUNT, false);
        yesNo("threads_cap_reached", threads.path("cap_reached"), "Thread cap reached");
        yesNo("client_bottleneck", root.path("client_bottleneck").path("detected"), "Client bottleneck detected");
        if (root.path("client_bottleneck").path("detected").asBoolean(false)) {
            List<String> causes = new ArrayList<>();
            root.path("client_bottleneck").path("causes").forEach(c -> causes.add(c.path("cause").asText("")));
            causes.removeIf(String::isBlank);
            notes.add("client bottleneck in " + directoryName() + (causes.isEmpty() ? "" : " (" + String.join(", ", causes) + ")")
                    + ": the client, not the endpoint, limited that wave, so its figures understate the endpoint");
        }

        JsonNode measurements = root.path("measurements");
        for (Iterator<Map.Entry<String, JsonNode>> it = measurements.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            String[] nameAndUnit = measurementNameAndUnit(key);
            distribution("measurement:" + key, entry.getValue(), nameAndUnit[0], nameAndUnit[1],
                    !UNPLOTTED_MEASUREMENTS.contains(key), List.of(key));
        }
    }

    private void readAiperf() {
        JsonNode tags = root.path("aiperf").path("metrics");
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
        for (JsonNode stream : root.path("server_metrics").path("streams")) {
            String streamName = stream.path("stream").asText("server");
            if ("failed".equals(stream.path("status").asText())) {
                notes.add(streamName + " metrics failed for " + directoryName() + ": "
                        + stream.path("error").asText("no reason given"));
            }
            for (JsonNode metric : stream.path("metrics")) {
                String name = metric.path("name").asText("");
                if (name.isEmpty()) {
                    continue;
                }
                Map<String, Double> statistics = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = metric.path("statistics").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> stat = it.next();
                    if (stat.getValue().isNumber()) {
                        statistics.put(stat.getKey(), stat.getValue().doubleValue());
                    }
                }
                if (!statistics.isEmpty()) {
                    add(new Metric(Source.SERVER, "server:" + streamName + "/" + name, name,
                            metric.path("unit").asText(""), streamName, Metric.Kind.STATISTICS,
                            ValueStyle.DECIMAL, true, List.of(streamName + " " + name), statistics));
                }
            }
        }
    }

    private void single(String id, String key, String name, String unit, ValueStyle style, boolean plotted,
                        String... aliases) {
        singleNode(id, root.path(key), name, unit, style, plotted, withKey(key, aliases));
    }

    private static String[] withKey(String key, String... aliases) {
        String[] all = new String[aliases.length + 1];
        all[0] = key;
        System.arraycopy(aliases, 0, all, 1, aliases.length);
        return all;
    }

    private void singleNode(String id, JsonNode node, String name, String unit, ValueStyle style, boolean plotted,
                            String... aliases) {
        if (node.isNumber()) {
            add(new Metric(Source.WAVE, id, name, unit, null, Metric.Kind.SINGLE, style, plotted,
                    List.of(aliases), Map.of(Metric.VALUE, node.doubleValue())));
        }
    }

    private void yesNo(String id, JsonNode node, String name) {
        if (node.isBoolean()) {
            add(new Metric(Source.WAVE, id, name, "", null, Metric.Kind.SINGLE, ValueStyle.YES_NO, false,
                    List.of(), Map.of(Metric.VALUE, node.booleanValue() ? 1.0 : 0.0)));
        }
    }

    private void distribution(String id, JsonNode node, String name, String unit, boolean plotted, List<String> aliases) {
        Map<String, Double> statistics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> stat = it.next();
            if (stat.getValue().isNumber()) {
                statistics.put(stat.getKey(), stat.getValue().doubleValue());
            }
        }
        if (!statistics.isEmpty()) {
            add(new Metric(Source.WAVE, id, name, unit, null, Metric.Kind.DISTRIBUTION, ValueStyle.DECIMAL, plotted, aliases,
                    ordered(statistics)));
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
