package io.inferencebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --plot-metadata}: per run, keyed by the run directory's basename, a {@code legend} that
 * renames the run and any other key/value pairs, shown as hover lines and as Excel columns, e.g.
 * {@code {"20261129_101500_benchmark": {"legend": "g5.xlarge", "batch size": 8}}}.
 * Given inline or as the path of a {@code .json} file.
 */
public final class PlotMetadata {
    public static final String LEGEND = "legend";

    private final Map<String, Map<String, String>> runs;

    private PlotMetadata(Map<String, Map<String, String>> runs) {
        this.runs = runs;
    }

    public static PlotMetadata none() {
        return new PlotMetadata(Map.of());
    }

    /**
     * Parses inline JSON (text starting with <code>{</code>) or reads the named file.
     *
     * @throws ReportInputException for a file that cannot be read, JSON that is not valid, or a
     *                              shape other than an object of objects
     */
    public static PlotMetadata parse(String jsonOrFile) {
        if (jsonOrFile == null || jsonOrFile.isBlank()) {
            return none();
        }
        String text = jsonOrFile.trim();
        String origin = "--plot-metadata";
        if (!text.startsWith("{") && !text.startsWith("[")) { // JSON of the wrong shape is named below, not taken for a file
            Path file;
            try {
                file = Path.of(text);
            } catch (InvalidPathException e) {
                throw new ReportInputException("--plot-metadata is neither a JSON object nor a file path: pass inline JSON "
                        + "such as '{\"<run dir name>\": {\"legend\": \"g5.xlarge\"}}' or the path of a .json file.", e);
            }
            if (!Files.isRegularFile(file)) {
                throw new ReportInputException("--plot-metadata file " + file + " does not exist: pass the path of a .json "
                        + "file or inline JSON such as '{\"<run dir name>\": {\"legend\": \"g5.xlarge\"}}'.");
            }
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new ReportInputException("Cannot read --plot-metadata file " + file + " (" + e.getMessage()
                        + "): check its permissions.", e);
            }
            origin = "--plot-metadata file " + file;
        }
        JsonNode root;
        try {
            root = JsonInput.parse(text);
        } catch (JsonProcessingException e) {
            throw new ReportInputException(origin + " is not valid JSON (" + JsonInput.problem(e) + "): fix it to an object such as {\"<run dir name>\": {\"legend\": \"g5.xlarge\"}}.", e);
        }
        if (root == null || !root.isObject()) {
            throw new ReportInputException(origin + " must be a JSON object keyed by run-directory name, "
                    + "such as {\"<run dir name>\": {\"legend\": \"g5.xlarge\"}}.");
        }
        Map<String, Map<String, String>> runs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> run = it.next();
            if (!run.getValue().isObject()) {
                throw new ReportInputException(origin + ": the entry for \"" + run.getKey()
                        + "\" must be an object of key/value pairs, such as {\"legend\": \"g5.xlarge\", \"batch size\": 8}.");
            }
            Map<String, String> lines = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> kv = run.getValue().fields(); kv.hasNext(); ) {
                Map.Entry<String, JsonNode> pair = kv.next();
                JsonNode value = pair.getValue();
                if (!value.isNull()) {
                    lines.put(pair.getKey(), value.isValueNode() ? value.asText() : value.toString());
                }
            }
            runs.put(run.getKey(), lines);
        }
        return new PlotMetadata(runs);
    }

    /** The legend the user gave a run, if any. */
    public Optional<String> legend(String runDirectoryName) {
        String legend = runs.getOrDefault(runDirectoryName, Map.of()).get(LEGEND);
        return legend == null || legend.isBlank() ? Optional.empty() : Optional.of(legend.trim());
    }

    /** A run's key/value lines other than the legend, in the order given. */
    public Map<String, String> lines(String runDirectoryName) {
        Map<String, String> lines = new LinkedHashMap<>(runs.getOrDefault(runDirectoryName, Map.of()));
        lines.remove(LEGEND);
        return lines;
    }

    /** Every key other than the legend across the given runs, first seen first: the Excel columns. */
    public List<String> keys(Collection<String> runDirectoryNames) {
        Set<String> keys = new LinkedHashSet<>();
        runDirectoryNames.forEach(name -> keys.addAll(lines(name).keySet()));
        return List.copyOf(keys);
    }

    /** Warnings for entries that name no plotted run (most often a typo in a directory name). */
    public List<String> unmatched(Collection<String> runDirectoryNames) {
        List<String> warnings = new ArrayList<>();
        for (String key : runs.keySet()) {
            if (!runDirectoryNames.contains(key)) {
                warnings.add("--plot-metadata names \"" + key + "\", which is not one of the plotted runs ("
                        + String.join(", ", new LinkedHashSet<>(runDirectoryNames)) + ").");
            }
        }
        return warnings;
    }
}
