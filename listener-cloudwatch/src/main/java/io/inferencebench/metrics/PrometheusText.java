package io.inferencebench.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (version 0.0.4, and the OpenMetrics text that
 * servers such as vLLM's may send instead): {@code # TYPE} lines and samples.
 */
final class PrometheusText {

    /** One sample line: {@code name{labels} value}. Labels exclude {@code __name__}. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** Samples in page order, and the declared type of each metric family. */
    record Page(Map<String, String> types, List<Sample> samples) {

        /**
         * The family a sample belongs to and its declared type: {@code x_bucket} of histogram {@code x}
         * is {@code [x, histogram]}; an undeclared {@code x_total} is {@code [x_total, counter]}.
         */
        String[] familyOf(String sampleName) {
            String type = types.get(sampleName);
            if (type != null) {
                return new String[] {sampleName, type};
            }
            for (String suffix : new String[] {"_bucket", "_sum", "_count", "_total", "_created"}) {
                if (sampleName.endsWith(suffix)) {
                    String family = sampleName.substring(0, sampleName.length() - suffix.length());
                    String familyType = types.get(family);
                    if (familyType != null) {
                        return new String[] {family, familyType};
                    }
                }
            }
            return new String[] {sampleName, sampleName.endsWith("_total") ? "counter" : "untyped"};
        }
    }

    private PrometheusText() {
    }

    /** @throws IllegalArgumentException naming the line that is not in the format */
    static Page parse(String text) {
        Map<String, String> types = new HashMap<>();
        List<Sample> samples = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.split("\n")) {
            lineNumber++;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split("\\s+", 4);
                if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    types.put(parts[2], parts[3].strip());
                }
                continue;
            }
            try {
                samples.add(sample(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNumber + " is not a Prometheus sample: "
                        + (line.length() > 80 ? line.substring(0, 77) + "..." : line));
            }
        }
        return new Page(types, samples);
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("no metric name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                while (line.charAt(i) == ' ' || line.charAt(i) == ',') {
                    i++;
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).strip();
                i = eq + 1;
                if (line.charAt(i) != '"') {
                    throw new IllegalArgumentException("unquoted label value");
                }
                i++;
                StringBuilder value = new StringBuilder();
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i);
                    if (c == '\\') {
                        i++;
                        char escaped = line.charAt(i);
                        value.append(escaped == 'n' ? '\n' : escaped);
                    } else {
                        value.append(c);
                    }
                    i++;
                }
                i++;
                labels.put(label, value.toString());
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        return new Sample(name, labels, value(rest[0]));
    }

    static double value(String text) {
        return switch (text) {
            case "+Inf", "Inf", "+inf", "inf" -> Double.POSITIVE_INFINITY;
            case "-Inf", "-inf" -> Double.NEGATIVE_INFINITY;
            case "NaN", "nan" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
