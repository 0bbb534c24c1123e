package io.inferencebench.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Where a metric comes from; a report has one section and the workbook one sheet per source. */
public enum Source {
    WAVE("wave", "Wave", List.of("wave", "locust")),
    AIPERF("aiperf", "aiperf", List.of("aiperf")),
    SERVER("server", "Server metrics", List.of("server", "server_metrics", "cloudwatch"));

    private final String key;
    private final String title;
    private final List<String> names;

    Source(String key, String title, List<String> names) {
        this.key = key;
        this.title = title;
        this.names = names;
    }

    /** The section key in {@code --plot-fields}. */
    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    /** The source a {@code --plot-fields} section names; the original tool's names are accepted too. */
    public static Optional<Source> named(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Source source : values()) {
            if (source.names.contains(wanted)) {
                return Optional.of(source);
            }
        }
        return Optional.empty();
    }

    static String knownNames() {
        return "wave (or locust), aiperf, server (or server_metrics, cloudwatch)";
    }
}
