package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServerMetricsTest {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(output, true, StandardCharsets.UTF_8);

    @Test
    void fetchesEveryStreamPrintsTheSectionAndWritesServerMetricsJson(@TempDir Path runDirectory) throws Exception {
        CloudWatchCborBridge bridge = CloudWatchCborBridge.shared();
        String namespace = "InferenceBench/ServerMetricsTest/" + System.nanoTime();
        Instant base = Instant.ofEpochSecond(Math.floorDiv(Instant.now().minusSeconds(900).getEpochSecond(), 60) * 60);
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace, "EndpointName", "my-endpoint")) {
            data.put("CPUUtilization", base.plusSeconds(10), 300).put("CPUUtilization", base.plusSeconds(70), 324.8)
                    .put("CPUUtilization", base.plusSeconds(75), 394.1); // buckets 300 and 359.45: mean 329.725
        }
        try (PrometheusApi prometheus = new PrometheusApi()) {
            prometheus.type("vllm:num_requests_running", "gauge");
            for (long t = base.toEpochMilli(); t <= base.plusSeconds(180).toEpochMilli(); t += 5_000) {
                prometheus.sample("vllm:num_requests_running", Map.of(), t, 7);
            }
            EndpointConfig config = EndpointConfig.parse("""
                    [{"stream": "cloudwatch", "Namespace": "%s",
                      "Dimensions": [{"Name": "EndpointName", "Value": "my-endpoint"}], "Period": 60, "Lag": 0,
                      "Metrics": ["CPUUtilization", "GPUUtilization"], "Statistics": [["Average", "Maximum"], ["Average"]]},
                     {"stream": "prometheus", "query_url": "%s", "metrics": ["vllm:num_requests_running"]}]
                    """.formatted(namespace, prometheus.queryUrl()), "inline");

            ServerMetricsReport report;
            try (ServerMetrics metrics = ServerMetrics.start(config, new AwsOptions("us-east-1", "bench"))) {
                report = metrics.finish(base.plusSeconds(5), base.plusSeconds(115), console);
            }
            Path file = report.writeTo(runDirectory);

            assertThat(output.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                    "----------------------------------------",
                    "⏳ Fetching metrics from stream: cloudwatch (no wait: the last 60s period ends at "
                            + CloudWatchStreamTestClock.hhmmss(base.plusSeconds(120)) + " UTC, then lag 0s for CloudWatch to publish it)...",
                    "  cloudwatch " + namespace + " EndpointName=my-endpoint:",
                    "   CPUUtilization: Average=329.7, Maximum=394.1",
                    "   GPUUtilization: Average=N/A",
                    "⏳ Fetching metrics from stream: prometheus (no wait: Prometheus has scraped past the wave's end)...",
                    "  prometheus " + prometheus.queryUrl() + ":",
                    "   vllm:num_requests_running: avg=7, min=7, max=7, last=7");
            assertThat(file).hasFileName("server_metrics.json");
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            assertThat(json.path("window").path("start_epoch_ms").asLong()).isEqualTo(base.plusSeconds(5).toEpochMilli());
            assertThat(json.path("window").path("end_epoch_ms").asLong()).isEqualTo(base.plusSeconds(115).toEpochMilli());
            JsonNode cloudWatch = json.path("streams").get(0);
            assertThat(cloudWatch.path("stream").asText()).isEqualTo("cloudwatch");
            assertThat(cloudWatch.path("status").asText()).isEqualTo("ok");
            assertThat(cloudWatch.has("error")).isTrue();
            assertThat(cloudWatch.path("error").isNull()).isTrue();
            assertThat(cloudWatch.path("window").path("end_epoch_ms").asLong()).isEqualTo(base.plusSeconds(120).toEpochMilli());
            assertThat(cloudWatch.path("metrics").get(0).path("name").asText()).isEqualTo("CPUUtilization");
            assertThat(cloudWatch.path("metrics").get(0).path("unit").asText()).isEqualTo("%");
            assertThat(cloudWatch.path("metrics").get(0).path("statistics").path("Maximum").asDouble()).isEqualTo(394.1);
            assertThat(cloudWatch.path("metrics").get(1).path("statistics").path("Average").isNull()).isTrue();
            assertThat(json.path("streams").get(1).path("metrics").get(0).path("statistics").path("last").asDouble()).isEqualTo(7.0);
            assertThat(ServerMetricsReport.read(file)).isEqualTo(report);
        }
    }

    @Test
    void waitsUntilTheLastPeriodEndsPlusLagWithACountdownThenFetches() throws Exception {
        CloudWatchCborBridge bridge = CloudWatchCborBridge.shared();
        String namespace = "InferenceBench/Wait/" + System.nanoTime();
        Instant servedAt = Instant.now().minusSeconds(1);
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace)) {
            data.put("Invocations", servedAt, 3);
        }
        Instant waveStart = servedAt.minusSeconds(2);
        Instant waveEnd = Instant.now(); // the wave has just ended: its last second plus the lag is still ahead
        EndpointConfig config = EndpointConfig.parse(EndpointConfigTest.block("\"Period\": 1, \"Lag\": 2",
                "[\"Invocations\"]", "[[\"Sum\"]]").replace("AWS/SageMaker", namespace), "inline");
        Instant readyAt = Instant.ofEpochSecond(waveEnd.getEpochSecond() + 1 + 2);

        ServerMetricsReport report;
        try (ServerMetrics metrics = ServerMetrics.start(config, new AwsOptions("us-east-1", "bench"))) {
            report = metrics.finish(waveStart, waveEnd, console);
        }

        assertThat(Instant.now()).isAfterOrEqualTo(readyAt);
        assertThat(Duration.between(readyAt, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(output.toString(StandardCharsets.UTF_8))
                .containsPattern("waiting [23]s: the last 1s period ends at \\d\\d:\\d\\d:\\d\\d UTC, then lag 2s")
                .containsPattern("   ⏳ [23]s left");
        assertThat(report.streams()).singleElement().satisfies(stream -> {
            assertThat(stream.status()).isEqualTo("ok");
            assertThat(stream.metrics().get(0).statistics()).containsEntry("Sum", 3.0);
        });
    }

    @Test
    void aFailingStreamNeverThrowsAndSaysWhatFailedInOneLine() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        EndpointConfig config = EndpointConfig.parse("""
                [{"stream": "prometheus", "url": "http://127.0.0.1:%d/metrics", "metrics": ["up"], "interval": "100ms"},
                 {"stream": "cloudwatch", "Namespace": "AWS/SageMaker", "Dimensions": [], "Period": 60, "Lag": 0,
                  "Metrics": ["Invocations"], "Statistics": [["Sum"]]}]
                """.formatted(closedPort), "inline");
        Instant waveStart = Instant.now().minusSeconds(600);

        ServerMetricsReport report;
        try (ServerMetrics metrics = ServerMetrics.start(config, new AwsOptions("us-east-1", "nobody"))) {
            Thread.sleep(300);
            report = metrics.finish(waveStart, waveStart.plusSeconds(60), console);
        }

        assertThat(report.streams()).extracting(StreamReport::stream).containsExactly("prometheus", "cloudwatch");
        assertThat(report.streams()).extracting(StreamReport::status).containsOnly("failed");
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("   ❌ prometheus failed: Prometheus endpoint http://127.0.0.1:" + closedPort
                        + "/metrics could not be scraped: ConnectException")
                .contains("   ❌ cloudwatch failed: no AWS credentials found (profile nobody); set AWS_ACCESS_KEY_ID");
    }

    @Test
    void formatsFiguresLikeTheOriginalsOutput() {
        assertThat(ServerMetrics.format(312.4)).isEqualTo("312.4");
        assertThat(ServerMetrics.format(82.5)).isEqualTo("82.5");
        assertThat(ServerMetrics.format(7.0)).isEqualTo("7");
        assertThat(ServerMetrics.format(0.012345678)).isEqualTo("0.01235");
        assertThat(ServerMetrics.format(123456.789)).isEqualTo("123456.8");
        assertThat(ServerMetrics.format(null)).isEqualTo("N/A");
        assertThat(ServerMetrics.format(Double.NaN)).isEqualTo("N/A");
    }

    /** Formats a UTC clock time as the wait line does. */
    static final class CloudWatchStreamTestClock {
        static String hhmmss(Instant instant) {
            return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneOffset.UTC).format(instant);
        }
    }
}
