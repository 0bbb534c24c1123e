package io.inferencebench.cli.aiperf;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.inferencebench.aiperf.ServerLevels;
import io.inferencebench.metrics.AwsOptions;
import io.inferencebench.metrics.EndpointConfig;
import io.inferencebench.metrics.EndpointConfigException;
import io.inferencebench.metrics.ServerMetrics;
import io.inferencebench.outcome.ServerMetricsReport;

/**
 * The server's level now from the {@code --endpoint-config} blocks that can say it at once: Prometheus
 * {@code /metrics} endpoints ({@code url}), each gauge's last value. CloudWatch and a Prometheus server's
 * API lag behind by minutes, too late to tell when a pause may end.
 */
record ScrapedLevels(EndpointConfig scraped) implements ServerLevels {

    /** The scraped blocks of the config file, or {@code null} when it has none. */
    static ScrapedLevels of(Path configFile) {
        try {
            ObjectMapper json = new ObjectMapper();
            ArrayNode kept = json.createArrayNode();
            for (JsonNode block : json.readTree(Files.readString(configFile))) {
                if ("prometheus".equals(block.path("stream").asText()) && block.hasNonNull("url")) {
                    kept.add(block);
                }
            }
            return kept.isEmpty() ? null : new ScrapedLevels(EndpointConfig.parse(kept.toString(), configFile.toString()));
        } catch (IOException | EndpointConfigException | RuntimeException e) {
            return null; // the wave's own load of the file has said what is wrong with it
        }
    }

    @Override
    public Map<String, Double> sample(Duration over) throws InterruptedException {
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        Instant start = Instant.now();
        ServerMetricsReport report;
        try (ServerMetrics metrics = ServerMetrics.start(scraped, new AwsOptions(null, null))) {
            Thread.sleep(over.toMillis());
            report = metrics.finish(start, Instant.now(), silent);
        }
        Map<String, Double> levels = new LinkedHashMap<>();
        for (ServerMetricsReport.StreamReport stream : report.streams()) {
            if (stream.metrics() == null) {
                continue;
            }
            for (var metric : stream.metrics()) {
                Double last = metric.statistics() == null ? null : metric.statistics().get("last");
                if (last != null) {
                    levels.put(metric.name(), last);
                }
            }
        }
        return levels;
    }
}
