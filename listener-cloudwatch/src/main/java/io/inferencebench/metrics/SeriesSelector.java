package io.inferencebench.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Prometheus series selector as users write it in the endpoint config:
 * {@code vllm:time_to_first_token_seconds} or {@code DCGM_FI_DEV_GPU_UTIL{gpu="0"}}, with the
 * matchers {@code =}, {@code !=}, {@code =~}, {@code !~} (regular expressions fully anchored, as in PromQL).
 */
public record SeriesSelector(String name, List<Matcher> matchers, String text) {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public SeriesSelector {
        matchers = List.copyOf(matchers);
    }

    /** One label matcher, e.g. {@code gpu="0"}. */
    public record Matcher(String label, String operator, String value, Pattern regex) {
        boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(label, "");
            return switch (operator) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> regex.matcher(actual).matches();
                default -> !regex.matcher(actual).matches();
            };
        }

        String promql() {
            return label + operator + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
    }

    /**
     * Parses a selector.
     *
     * @throws IllegalArgumentException whose message says what is wrong, for the config's problem list
     */
    public static SeriesSelector parse(String text) {
        String trimmed = text.strip();
        int brace = trimmed.indexOf('{');
        String name = brace < 0 ? trimmed : trimmed.substring(0, brace).strip();
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" does not start with a Prometheus metric name"
                    + " (letters, digits, '_' and ':'), e.g. vllm:num_requests_running");
        }
        if (brace < 0) {
            return new SeriesSelector(name, List.of(), trimmed);
        }
        if (!trimmed.endsWith("}")) {
            throw new IllegalArgumentException("\"" + text + "\" has no closing '}'");
        }
        return new SeriesSelector(name, parseMatchers(text, trimmed.substring(brace + 1, trimmed.length() - 1)), trimmed);
    }

    private static List<Matcher> parseMatchers(String text, String body) {
        List<Matcher> matchers = new ArrayList<>();
        int i = 0;
        while (true) {
            i = skipSpaces(body, i);
            if (i >= body.length()) {
                return matchers;
            }
            int nameEnd = i;
            while (nameEnd < body.length() && (Character.isLetterOrDigit(body.charAt(nameEnd)) || body.charAt(nameEnd) == '_')) {
                nameEnd++;
            }
            String label = body.substring(i, nameEnd);
            if (!LABEL_NAME.matcher(label).matches()) {
                throw new IllegalArgumentException("\"" + text + "\" has a matcher without a label name at \"" + body.substring(i) + "\"");
            }
            i = skipSpaces(body, nameEnd);
            String operator = body.startsWith("=~", i) ? "=~" : body.startsWith("!~", i) ? "!~"
                    : body.startsWith("!=", i) ? "!=" : body.startsWith("=", i) ? "=" : null;
            if (operator == null) {
                throw new IllegalArgumentException("\"" + text + "\" needs =, !=, =~ or !~ after label " + label);
            }
            i = skipSpaces(body, i + operator.length());
            if (i >= body.length() || body.charAt(i) != '"') {
                throw new IllegalArgumentException("\"" + text + "\" needs a double-quoted value for label " + label);
            }
            StringBuilder value = new StringBuilder();
            i++;
            while (i < body.length() && body.charAt(i) != '"') {
                char c = body.charAt(i);
                if (c == '\\' && i + 1 < body.length()) {
                    i++;
                    c = body.charAt(i) == 'n' ? '\n' : body.charAt(i);
                }
                value.append(c);
                i++;
            }
            if (i >= body.length()) {
                throw new IllegalArgumentException("\"" + text + "\" has an unterminated value for label " + label);
            }
            Pattern regex = null;
            if (operator.endsWith("~")) {
                try {
                    regex = Pattern.compile(value.toString());
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("\"" + text + "\" has an invalid regular expression for label "
                            + label + ": " + e.getDescription());
                }
            }
            matchers.add(new Matcher(label, operator, value.toString(), regex));
            i = skipSpaces(body, i + 1);
            if (i < body.length()) {
                if (body.charAt(i) != ',') {
                    throw new IllegalArgumentException("\"" + text + "\" needs ',' between matchers");
                }
                i++;
            }
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether a series with these labels (without {@code __name__}) is selected. */
    public boolean matches(Map<String, String> labels) {
        for (Matcher matcher : matchers) {
            if (!matcher.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** The selector as PromQL for the metric {@code name + suffix}, e.g. {@code x_bucket{gpu="0"}}. */
    public String promql(String suffix) {
        if (matchers.isEmpty()) {
            return name + suffix;
        }
        StringBuilder text = new StringBuilder(name).append(suffix).append('{');
        for (int i = 0; i < matchers.size(); i++) {
            text.append(i == 0 ? "" : ",").append(matchers.get(i).promql());
        }
        return text.append('}').toString();
    }
}
