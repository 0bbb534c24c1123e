package io.inferencebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --plot-fields}: which metrics to keep, per source, e.g.
 * {@code {"wave": ["Latency (ms)", "Server RPS"], "aiperf": ["Time to First Token"]}}.
 *
 * <p>A source not named keeps all its metrics; an empty list hides the source. Names match
 * forgivingly, because the original tool's own examples do not match its code: case, spaces,
 * punctuation and a unit in brackets are ignored, and a metric answers to its {@code summary.json}
 * key and the original tool's names too ({@code Server RPS} in aiperf is its request throughput).
 */
public final class PlotFields {

    private final Map<Source, List<String>> fields;

    private PlotFields(Map<Source, List<String>> fields) {
        this.fields = fields;
    }

    /** Keeps every metric. */
    public static PlotFields all() {
        return new PlotFields(new EnumMap<>(Source.class));
    }

    /**
     * Parses the flag's JSON object.
     *
     * @throws ReportInputException for JSON that is not an object of name lists, or an unknown source
     */
    public static PlotFields parse(String json) {
        if (json == null || json.isBlank()) {
            return all();
        }
        JsonNode root;
        try {
            root = JsonInput.parse(json);
        } catch (JsonProcessingException e) {
            throw new ReportInputException("--plot-fields is not valid JSON (" + JsonInput.problem(e)
                    + "): pass an object such as '{\"wave\": [\"Latency (ms)\", \"Server RPS\"]}'.", e);
        }
        if (root == null || !root.isObject()) {
            throw new ReportInputException("--plot-fields must be a JSON object of metric-name lists per source, "
                    + "such as '{\"wave\": [\"Latency (ms)\", \"Server RPS\"]}'.");
        }
        Map<Source, List<String>> fields = new EnumMap<>(Source.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Source source = Source.named(entry.getKey()).orElseThrow(() -> new ReportInputException(
                    "--plot-fields names an unknown source \"" + entry.getKey() + "\": use " + Source.knownNames() + "."));
            List<String> names = fields.computeIfAbsent(source, s -> new ArrayList<>());
            JsonNode value = entry.getValue();
            if (value.isTextual()) {
                names.add(value.asText());
            } else if (value.isArray() && allText(value)) {
                value.forEach(name -> names.add(name.asText()));
            } else {
                throw new ReportInputException("--plot-fields \"" + entry.getKey()
                        + "\" must be a list of metric names, such as [\"Latency (ms)\", \"Server RPS\"].");
            }
        }
        return new PlotFields(fields);
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** Whether a source's metrics are filtered at all. */
    public boolean restricts(Source source) {
        return fields.containsKey(source);
    }

    /** Whether a metric with these names (its label, name, key, aliases) is kept. */
    public boolean keeps(Source source, Collection<String> metricNames) {
        List<String> wanted = fields.get(source);
        return wanted == null || wanted.stream().anyMatch(field -> matches(field, metricNames));
    }

    /**
     * Warnings for names that matched none of the given metrics (a typo, or a metric no run
     * measured), each listing what could have been meant.
     *
     * @param available per source, each metric's names; the first name of each is shown to the user
     */
    public List<String> unmatched(Map<Source, List<List<String>>> available) {
        List<String> warnings = new ArrayList<>();
        fields.forEach((source, wanted) -> {
            List<List<String>> metrics = available.getOrDefault(source, List.of());
            for (String field : wanted) {
                if (metrics.stream().noneMatch(names -> matches(field, names))) {
                    List<String> shown = metrics.stream().map(names -> names.get(0)).distinct().toList();
                    warnings.add("--plot-fields " + source.key() + ": \"" + field + "\" matches no metric of these runs"
                            + (shown.isEmpty() ? " (they have no " + source.key() + " metrics)." : "; they have: " + String.join(", ", shown) + "."));
                }
            }
        });
        return warnings;
    }

    static boolean matches(String field, Collection<String> names) {
        String wanted = normalise(field);
        return !wanted.isEmpty() && names.stream().anyMatch(name -> normalise(name).equals(wanted));
    }

    /** Lower case, without a bracketed unit and without anything but letters and digits. */
    static String normalise(String name) {
        String withoutUnits = name.replaceAll("\\([^)]*\\)|\\[[^]]*]", " ");
        String letters = withoutUnits.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
        return letters.isEmpty() ? name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "") : letters;
    }

    @Override
    public String toString() {
        Map<String, List<String>> shown = new LinkedHashMap<>();
        fields.forEach((source, names) -> shown.put(source.key(), names));
        return shown.toString();
    }
}
