package io.inferencebench.outcome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server metrics of one wave (a section of the {@link WaveOutcome}), in the {@code server_metrics} shape of {@code docs/summary-json.md}:
 * serialise it with Jackson into {@code summary.json}, or write it as {@code server_metrics.json}.
 */
public record ServerMetricsReport(Window window, List<StreamReport> streams) {
    /** Its place in {@code summary.json}. */
    public static final SectionKey<ServerMetricsReport> SECTION = new SectionKey<>("server_metrics", ServerMetricsReport.class);

    public static final String FILE_NAME = "server_metrics.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ServerMetricsReport {
        streams = List.copyOf(streams);
    }

    /** A time window in epoch milliseconds, start inclusive. */
    public record Window(@JsonProperty("start_epoch_ms") long startEpochMs, @JsonProperty("end_epoch_ms") long endEpochMs) {
        public static Window of(Instant start, Instant end) {
            return new Window(start.toEpochMilli(), end.toEpochMilli());
        }
    }

    /**
     * One block of the endpoint config and what came of it.
     *
     * @param source what was read: the CloudWatch namespace and dimensions, or the Prometheus URL
     * @param status {@code ok} or {@code failed}
     * @param error  one line saying what failed, or {@code null}
     * @param window the window actually queried when it differs from the wave's (CloudWatch aligns it to the period)
     */
    @JsonInclude(value = JsonInclude.Include.NON_NULL, content = JsonInclude.Include.ALWAYS)
    public record StreamReport(String stream, String source, String status,
                               @JsonInclude(JsonInclude.Include.ALWAYS) String error,
                               Window window, List<MetricReport> metrics) {
        public StreamReport {
            metrics = List.copyOf(metrics);
        }

        public static StreamReport failed(String stream, String source, Window window, String error) {
            return new StreamReport(stream, source, "failed", oneLine(error), window, List.of());
        }

        public boolean ok() {
            return "ok".equals(status);
        }
    }

    /** A metric's statistics; a statistic without data is {@code null}. */
    public record MetricReport(String name, @JsonInclude(JsonInclude.Include.NON_NULL) String unit,
                               Map<String, Double> statistics) {
        public MetricReport {
            statistics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(statistics));
        }
    }

    /** Writes {@code server_metrics.json} into the run directory and returns its path. */
    public Path writeTo(Path runDirectory) {
        try {
            // the listener's output folder may not exist yet in plain JMeter; the benchmark command writes here
            // only while its run directory is still there (a deleted one stops its saving, see WaveRunner.save)
            Files.createDirectories(runDirectory);
            Path file = runDirectory.resolve(FILE_NAME);
            Files.writeString(file, toJson() + System.lineSeparator());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE_NAME + " into " + runDirectory, e);
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a {@code server_metrics.json} written by {@link #writeTo}. */
    public static ServerMetricsReport read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ServerMetricsReport.class);
    }

    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        String line = text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return line.length() > 400 ? line.substring(0, 397) + "..." : line;
    }
}
