package io.inferencebench.metrics;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --endpoint-config} file: the original tool's JSON list of blocks, unchanged, plus
 * {@code prometheus} blocks. Loading validates everything at once, so a bad file stops the run
 * before the wave instead of after it.
 */
public final class EndpointConfig {

    static final Set<String> STANDARD_STATISTICS = Set.of("SampleCount", "Average", "Sum", "Minimum", "Maximum");
    private static final Pattern EXTENDED_STATISTIC = Pattern.compile(
            "(p|tm|wm|tc|ts)(\\d{1,2}(\\.\\d+)?|100)|IQM|(TM|WM|TC|TS|PR)\\(\\d*(\\.\\d+)?%?:\\d*(\\.\\d+)?%?\\)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final List<String> CLOUDWATCH_FIELDS =
            List.of("stream", "Namespace", "Dimensions", "Period", "Lag", "Metrics", "Statistics");
    private static final List<String> PROMETHEUS_FIELDS = List.of("stream", "url", "query_url", "metrics", "interval");
    private static final int MAX_LAG_SECONDS = 3600;
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private final List<CloudWatchBlock> cloudWatch;
    private final List<PrometheusSource> prometheus;

    private EndpointConfig(List<CloudWatchBlock> cloudWatch, List<PrometheusSource> prometheus) {
        this.cloudWatch = List.copyOf(cloudWatch);
        this.prometheus = List.copyOf(prometheus);
    }

    /** Reads and validates the file; every problem is reported at once. */
    public static EndpointConfig load(Path file) throws EndpointConfigException {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new EndpointConfigException(file.toString(), List.of("the file does not exist; pass the path of"
                    + " a JSON file such as [{\"stream\": \"cloudwatch\", ...}]"));
        } catch (IOException e) {
            throw new EndpointConfigException(file.toString(), List.of("the file cannot be read: " + e.getMessage()));
        }
        return parse(json, file.toString());
    }

    /** Validates config text; {@code source} names it in messages. */
    public static EndpointConfig parse(String json, String source) throws EndpointConfigException {
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new EndpointConfigException(source, List.of("$: not valid JSON" + where + ": " + e.getOriginalMessage()));
        }
        Problems problems = new Problems();
        List<CloudWatchBlock> cloudWatch = new ArrayList<>();
        List<PrometheusSource> prometheus = new ArrayList<>();
        if (root == null || !root.isArray()) {
            problems.add("$", "expected a list of blocks, e.g. [{\"stream\": \"cloudwatch\", \"Namespace\": ...}]");
        } else if (root.isEmpty()) {
            problems.add("$", "the list has no blocks; add a cloudwatch or prometheus block, or drop --endpoint-config");
        } else {
            for (int i = 0; i < root.size(); i++) {
                readBlock(i, root.get(i), problems, cloudWatch, prometheus);
            }
        }
        if (!problems.list.isEmpty()) {
            throw new EndpointConfigException(source, problems.list);
        }
        return new EndpointConfig(cloudWatch, prometheus);
    }

    /** CloudWatch blocks in file order. */
    public List<CloudWatchBlock> cloudWatch() {
        return cloudWatch;
    }

    /** Prometheus blocks in file order. */
    public List<PrometheusSource> prometheus() {
        return prometheus;
    }

    private static void readBlock(int index, JsonNode block, Problems problems,
                                  List<CloudWatchBlock> cloudWatch, List<PrometheusSource> prometheus) {
        String path = "$[" + index + "]";
        if (!block.isObject()) {
            problems.add(path, "expected a block object {\"stream\": ...}, found " + describe(block));
            return;
        }
        JsonNode stream = block.get("stream");
        if (stream == null) {
            problems.add(path + ".stream", "missing; set \"stream\" to \"cloudwatch\" or \"prometheus\"");
            return;
        }
        String name = stream.isTextual() ? stream.asText() : null;
        if ("cloudwatch".equals(name)) {
            CloudWatchBlock parsed = readCloudWatch(index, path, block, problems);
            if (parsed != null) {
                cloudWatch.add(parsed);
            }
        } else if ("prometheus".equals(name)) {
            PrometheusSource parsed = readPrometheus(index, path, block, problems);
            if (parsed != null) {
                prometheus.add(parsed);
            }
        } else {
            problems.add(path + ".stream", "unknown stream " + stream + "; use \"cloudwatch\" or \"prometheus\"");
        }
    }

    private static CloudWatchBlock readCloudWatch(int index, String path, JsonNode block, Problems problems) {
        int before = problems.list.size();
        unknownFields(path, block, CLOUDWATCH_FIELDS, problems);

        String namespace = requiredText(path, block, "Namespace", "e.g. \"/aws/sagemaker/Endpoints\"", problems);

        List<CloudWatchBlock.Dimension> dimensions = new ArrayList<>();
        JsonNode dims = required(path, block, "Dimensions", "a list such as [{\"Name\": \"EndpointName\", \"Value\": \"my-endpoint\"}], or []", problems);
        if (dims != null) {
            if (!dims.isArray()) {
                problems.add(path + ".Dimensions", "expected a list of {\"Name\", \"Value\"} objects, found " + describe(dims));
            } else if (dims.size() > 30) {
                problems.add(path + ".Dimensions", "has " + dims.size() + " dimensions; CloudWatch allows at most 30");
            } else {
                for (int d = 0; d < dims.size(); d++) {
                    String dimPath = path + ".Dimensions[" + d + "]";
                    JsonNode dim = dims.get(d);
                    if (!dim.isObject()) {
                        problems.add(dimPath, "expected {\"Name\": ..., \"Value\": ...}, found " + describe(dim));
                        continue;
                    }
                    unknownFields(dimPath, dim, List.of("Name", "Value"), problems);
                    String dimName = requiredText(dimPath, dim, "Name", "the dimension's name", problems);
                    String dimValue = requiredText(dimPath, dim, "Value", "the dimension's value", problems);
                    if (dimName != null && dimValue != null) {
                        dimensions.add(new CloudWatchBlock.Dimension(dimName, dimValue));
                    }
                }
            }
        }

        Integer period = requiredSeconds(path, block, "Period", problems);
        if (period != null && !(period == 1 || period == 5 || period == 10 || period == 30 || (period > 0 && period % 60 == 0))) {
            problems.add(path + ".Period", period + " is not a period CloudWatch accepts; use 1, 5, 10 or 30"
                    + " (high-resolution metrics) or a multiple of 60");
        }
        Integer lag = requiredSeconds(path, block, "Lag", problems);
        if (lag != null && (lag < 0 || lag > MAX_LAG_SECONDS)) {
            problems.add(path + ".Lag", lag + " is out of range; use 0 to " + MAX_LAG_SECONDS + " seconds");
        }

        List<String> metricNames = new ArrayList<>();
        JsonNode metrics = required(path, block, "Metrics", "a list such as [\"CPUUtilization\", \"MemoryUtilization\"]", problems);
        if (metrics != null) {
            if (!metrics.isArray() || metrics.isEmpty()) {
                problems.add(path + ".Metrics", "expected a non-empty list of metric names, found " + describe(metrics));
            } else {
                for (int m = 0; m < metrics.size(); m++) {
                    JsonNode metric = metrics.get(m);
                    if (!metric.isTextual() || metric.asText().isBlank()) {
                        problems.add(path + ".Metrics[" + m + "]", "expected a metric name, found " + describe(metric));
                    } else {
                        metricNames.add(metric.asText());
                    }
                }
            }
        }

        List<List<String>> statistics = new ArrayList<>();
        JsonNode stats = required(path, block, "Statistics", "a list with one list of statistics per metric, e.g. [[\"Average\", \"Maximum\"]]", problems);
        if (stats != null) {
            if (!stats.isArray()) {
                problems.add(path + ".Statistics", "expected a list of lists such as [[\"Average\", \"Maximum\"]], found " + describe(stats));
            } else {
                if (metrics != null && metrics.isArray() && metrics.size() != stats.size()) {
                    problems.add(path + ".Statistics", "has " + stats.size() + " lists for " + metrics.size()
                            + " metrics; the i-th metric uses the i-th list of statistics, so give one list per metric");
                }
                for (int s = 0; s < stats.size(); s++) {
                    statistics.add(readStatistics(path + ".Statistics[" + s + "]", stats.get(s), problems));
                }
            }
        }
        if (problems.list.size() > before) {
            return null;
        }
        List<CloudWatchBlock.Metric> paired = new ArrayList<>();
        for (int m = 0; m < metricNames.size(); m++) {
            paired.add(new CloudWatchBlock.Metric(metricNames.get(m), statistics.get(m)));
        }
        return new CloudWatchBlock(index, namespace, dimensions, period, lag, paired);
    }

    private static List<String> readStatistics(String path, JsonNode list, Problems problems) {
        List<String> statistics = new ArrayList<>();
        if (!list.isArray() || list.isEmpty()) {
            problems.add(path, "expected a non-empty list of statistics such as [\"Average\", \"Maximum\"], found " + describe(list));
            return statistics;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode statistic = list.get(i);
            String text = statistic.isTextual() ? statistic.asText() : null;
            if (text == null) {
                problems.add(path + "[" + i + "]", "expected a statistic name, found " + describe(statistic));
            } else if (!STANDARD_STATISTICS.contains(text) && !EXTENDED_STATISTIC.matcher(text).matches()) {
                problems.add(path + "[" + i + "]", "unknown statistic \"" + text + "\"; " + suggestion(text)
                        + "use SampleCount, Average, Sum, Minimum, Maximum or a percentile such as p99");
            } else {
                statistics.add(text);
            }
        }
        return statistics;
    }

    private static String suggestion(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("mean") || lower.equals("avg")) {
            return "did you mean Average? ";
        }
        for (String standard : List.of("SampleCount", "Average", "Sum", "Minimum", "Maximum")) {
            if (standard.equalsIgnoreCase(text) || (lower.length() >= 3 && standard.toLowerCase(Locale.ROOT).startsWith(lower))) {
                return "did you mean " + standard + "? ";
            }
        }
        return "";
    }

    private static PrometheusSource readPrometheus(int index, String path, JsonNode block, Problems problems) {
        int before = problems.list.size();
        unknownFields(path, block, PROMETHEUS_FIELDS, problems);
        JsonNode url = block.get("url");
        JsonNode queryUrl = block.get("query_url");
        URI scrape = null;
        URI query = null;
        if (url == null && queryUrl == null) {
            problems.add(path, "needs \"url\" (a /metrics endpoint to scrape during the wave, e.g. http://host:8000/metrics)"
                    + " or \"query_url\" (a Prometheus query API, e.g. http://host:9090/api/v1/query)");
        } else if (url != null && queryUrl != null) {
            problems.add(path, "has both \"url\" and \"query_url\"; keep one (use two blocks to read both)");
        } else if (url != null) {
            scrape = httpUrl(path + ".url", url, problems);
        } else {
            query = httpUrl(path + ".query_url", queryUrl, problems);
        }

        List<SeriesSelector> selectors = new ArrayList<>();
        JsonNode metrics = required(path, block, "metrics",
                "a list such as [\"vllm:time_to_first_token_seconds\", \"DCGM_FI_DEV_GPU_UTIL\"]", problems);
        if (metrics != null) {
            if (!metrics.isArray() || metrics.isEmpty()) {
                problems.add(path + ".metrics", "expected a non-empty list of metric names or selectors, found " + describe(metrics));
            } else {
                for (int m = 0; m < metrics.size(); m++) {
                    JsonNode metric = metrics.get(m);
                    if (!metric.isTextual()) {
                        problems.add(path + ".metrics[" + m + "]", "expected a metric name or selector, found " + describe(metric));
                        continue;
                    }
                    try {
                        selectors.add(SeriesSelector.parse(metric.asText()));
                    } catch (IllegalArgumentException e) {
                        problems.add(path + ".metrics[" + m + "]", e.getMessage());
                    }
                }
            }
        }

        Duration interval = DEFAULT_INTERVAL;
        JsonNode intervalNode = block.get("interval");
        if (intervalNode != null) {
            Matcher matcher = intervalNode.isTextual() ? DURATION.matcher(intervalNode.asText()) : null;
            if (matcher == null || !matcher.matches()) {
                problems.add(path + ".interval", "expected a duration such as \"5s\", \"500ms\" or \"1m\", found " + describe(intervalNode));
            } else {
                long amount = Long.parseLong(matcher.group(1));
                interval = switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
                if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofMinutes(10)) > 0) {
                    problems.add(path + ".interval", intervalNode.asText() + " is out of range; use 100ms to 10m");
                }
            }
        }
        if (problems.list.size() > before) {
            return null;
        }
        return new PrometheusSource(index, scrape, query, selectors, interval);
    }

    private static URI httpUrl(String path, JsonNode node, Problems problems) {
        if (node.isTextual()) {
            try {
                URI uri = new URI(node.asText());
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
        }
        problems.add(path, "expected an http:// or https:// URL, found " + describe(node));
        return null;
    }

    private static void unknownFields(String path, JsonNode object, List<String> known, Problems problems) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String hint = known.stream().filter(k -> nearlyEqual(k, name)).findFirst()
                        .map(k -> "did you mean \"" + k + "\"? ").orElse("");
                problems.add(path + "." + name, "unknown field; " + hint + "this block takes " + String.join(", ", known));
            }
        }
    }

    /** Same ignoring case, or one letter added, dropped or changed: the typos worth a hint. */
    private static boolean nearlyEqual(String known, String typed) {
        String a = known.toLowerCase(Locale.ROOT);
        String b = typed.toLowerCase(Locale.ROOT);
        if (Math.abs(a.length() - b.length()) > 1) {
            return false;
        }
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return a.substring(Math.min(i + (a.length() >= b.length() ? 1 : 0), a.length()))
                .equals(b.substring(Math.min(i + (b.length() >= a.length() ? 1 : 0), b.length())))
                || a.equals(b);
    }

    private static JsonNode required(String path, JsonNode object, String field, String expected, Problems problems) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            problems.add(path + "." + field, "missing; expected " + expected);
            return null;
        }
        return node;
    }

    private static String requiredText(String path, JsonNode object, String field, String expected, Problems problems) {
        JsonNode node = required(path, object, field, expected, problems);
        if (node == null) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            problems.add(path + "." + field, "expected a non-empty string (" + expected + "), found " + describe(node));
            return null;
        }
        return node.asText();
    }

    private static Integer requiredSeconds(String path, JsonNode object, String field, Problems problems) {
        JsonNode node = required(path, object, field, "a whole number of seconds", problems);
        if (node == null) {
            return null;
        }
        if (!node.isNumber() || node.asDouble() != Math.rint(node.asDouble()) || !node.canConvertToInt()) {
            problems.add(path + "." + field, "expected a whole number of seconds, found " + describe(node));
            return null;
        }
        return node.asInt();
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static final class Problems {
        final List<String> list = new ArrayList<>();

        void add(String path, String problem) {
            list.add(path + ": " + problem);
        }
    }
}
