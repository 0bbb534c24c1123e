package io.inferencebench.aiperf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.inferencebench.outcome.AiperfReport;

/**
 * aiperf's {@code profile_export_aiperf.csv}: sections separated by blank lines, each with its own header
 * row. A section whose header starts with {@code Metric} holds metrics, one a row, named
 * {@code "<Header> (<unit>)"}; its statistics are matched by column name, never by position (releases
 * differ). Other sections (a newer release's telemetry) are skipped. CRLF or LF line ends.
 */
final class AiperfCsv {
    /** Headers whose tag is not their words joined by underscores. */
    private static final Map<String, String> TAGS = Map.of(
            "goodrequestcount", "good_request_count",
            "minimum_request_timestamp", "min_request_timestamp",
            "maximum_response_timestamp", "max_response_timestamp",
            "total_input_sequence_length", "total_isl",
            "total_output_sequence_length", "total_osl");

    private AiperfCsv() {
    }

    static Map<String, AiperfReport.Metric> parse(String text) {
        Map<String, AiperfReport.Metric> metrics = new LinkedHashMap<>();
        List<String> header = null;
        for (String line : text.split("\r?\n", -1)) {
            if (line.isBlank()) {
                header = null; // the next row heads a new section
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                header = cells;
                continue;
            }
            if (!header.get(0).equalsIgnoreCase("Metric") || cells.isEmpty()) {
                continue;
            }
            Map<String, Double> stats = new HashMap<>();
            for (int i = 1; i < Math.min(header.size(), cells.size()); i++) {
                Double v = number(cells.get(i));
                if (v != null) {
                    String column = header.get(i).strip().toLowerCase(Locale.ROOT);
                    stats.put(column.equals("value") ? "avg" : column, v);
                }
            }
            String name = cells.get(0).strip();
            String unit = "";
            int open = name.lastIndexOf(" (");
            if (open > 0 && name.endsWith(")")) {
                unit = name.substring(open + 2, name.length() - 1);
                name = name.substring(0, open);
            }
            metrics.put(tag(name), new AiperfReport.Metric(unit, stats.get("avg"), stats.get("min"), stats.get("max"),
                    stats.get("p1"), stats.get("p5"), stats.get("p10"), stats.get("p25"), stats.get("p50"),
                    stats.get("p75"), stats.get("p90"), stats.get("p95"), stats.get("p99"), stats.get("std"),
                    stats.get("count"), stats.get("sum")));
        }
        return metrics;
    }

    /** {@code Time to First Token} is {@code time_to_first_token}. */
    static String tag(String header) {
        String words = header.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
        return TAGS.getOrDefault(words, words);
    }

    private static Double number(String cell) {
        String s = cell.strip().replace(",", "");
        if (s.isEmpty() || s.equalsIgnoreCase("N/A")) {
            return null;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** One CSV row as Python's csv module writes it: quoted cells may hold commas and doubled quotes. */
    static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
