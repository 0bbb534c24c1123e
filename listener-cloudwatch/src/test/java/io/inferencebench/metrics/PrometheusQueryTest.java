package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PrometheusQueryTest {

    /** Prometheus scraped the server every 5 s from 10:00:00; the wave ran 10:01:02 to 10:02:03. */
    private static final long T0 = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();
    private static final long WAVE_START = T0 + 62_000;
    private static final long WAVE_END = T0 + 123_000;

    @Test
    void readsTheWaveWindowFromThePrometheusApi() throws Exception {
        try (PrometheusApi prometheus = new PrometheusApi()) {
            prometheus.type("vllm:request_success_total", "counter");
            prometheus.type("vllm:time_to_first_token_seconds", "histogram");
            prometheus.type("DCGM_FI_DEV_GPU_UTIL", "gauge");
            Map<String, String> vllm = Map.of("model_name", "m", "engine", "0");
            for (long t = T0; t <= T0 + 180_000; t += 5_000) {
                boolean inWave = t > WAVE_START && t <= WAVE_END + 5_000;
                long served = Math.max(0, Math.min(t, WAVE_END) - WAVE_START) / 1000 * 10; // 10 requests a second
                prometheus.sample("vllm:request_success_total", vllm, t, 1000 + served);
                // every request's first token came in (0.04, 0.06]; before the wave, 500 slow ones
                prometheus.sample("vllm:time_to_first_token_seconds_bucket", with(vllm, "le", "0.04"), t, 0);
                prometheus.sample("vllm:time_to_first_token_seconds_bucket", with(vllm, "le", "0.06"), t, served);
                prometheus.sample("vllm:time_to_first_token_seconds_bucket", with(vllm, "le", "+Inf"), t, 500 + served);
                prometheus.sample("vllm:time_to_first_token_seconds_sum", vllm, t, 1500 + served * 0.05);
                prometheus.sample("vllm:time_to_first_token_seconds_count", vllm, t, 500 + served);
                prometheus.sample("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "0", "UUID", "GPU-a"), t, inWave ? 90 : 3);
            }
            PrometheusQuery query = new PrometheusQuery(source(prometheus.queryUrl(),
                    "vllm:request_success_total", "vllm:time_to_first_token_seconds", "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"}"));

            StreamReport report = query.fetch(WAVE_START, WAVE_END);

            assertThat(report.status()).isEqualTo("ok");
            Map<String, Map<String, Double>> byName = report.metrics().stream()
                    .collect(Collectors.toMap(MetricReport::name, MetricReport::statistics));
            // window bracketed by the steps at 10:01:00 and 10:02:05: 61 s of serving at 10 a second
            assertThat(byName.get("vllm:request_success_total").get("delta")).isEqualTo(610.0);
            assertThat(byName.get("vllm:request_success_total").get("rate")).isCloseTo(610.0 / 65, within(1e-9));
            Map<String, Double> ttft = byName.get("vllm:time_to_first_token_seconds");
            assertThat(ttft.get("count")).isEqualTo(610.0);
            assertThat(ttft.get("mean")).isCloseTo(0.05, within(1e-9));
            assertThat(ttft.get("p50")).isCloseTo(0.05, within(1e-9));
            assertThat(ttft.get("p99")).isCloseTo(0.04 + 0.02 * 0.99, within(1e-9));
            assertThat(byName.get("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"}")).containsEntry("min", 90.0).containsEntry("max", 90.0);
            assertThat(prometheus.queries()).contains("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"}",
                    "vllm:time_to_first_token_seconds_bucket", "vllm:time_to_first_token_seconds_sum");
        }
    }

    @Test
    void recognisesAHistogramByItsBucketsWhenPrometheusHasNoMetadata() throws Exception {
        try (PrometheusApi prometheus = new PrometheusApi()) {
            for (long t = T0; t <= T0 + 180_000; t += 5_000) {
                long n = t >= WAVE_END ? 10 : 0;
                prometheus.sample("latency_seconds_bucket", Map.of("le", "0.1"), t, n);
                prometheus.sample("latency_seconds_bucket", Map.of("le", "+Inf"), t, n);
                prometheus.sample("latency_seconds_count", Map.of(), t, n);
                prometheus.sample("latency_seconds_sum", Map.of(), t, n * 0.05);
            }

            StreamReport report = new PrometheusQuery(source(prometheus.queryUrl(), "latency_seconds")).fetch(WAVE_START, WAVE_END);

            assertThat(report.metrics()).singleElement().satisfies(metric -> {
                assertThat(metric.statistics()).containsEntry("count", 10.0);
                assertThat(metric.statistics().get("p50")).isCloseTo(0.05, within(1e-9));
            });
        }
    }

    @Test
    void waitsOneIntervalAfterTheWaveForPrometheusToScrapePastItsEnd() {
        PrometheusQuery query = new PrometheusQuery(source(URI.create("http://127.0.0.1:9090"), "up"));

        assertThat(query.readyAt(Instant.ofEpochMilli(WAVE_END))).isEqualTo(Instant.ofEpochMilli(WAVE_END + 5_000));
    }

    @Test
    void saysInOneLineWhenPrometheusIsDownOrRefuses() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI down = URI.create("http://127.0.0.1:" + closedPort + "/api/v1/query");
        StreamReport unreachable = new PrometheusQuery(source(down, "up")).fetch(WAVE_START, WAVE_END);
        StreamReport refused;
        StreamReport empty;
        try (PrometheusApi prometheus = new PrometheusApi()) {
            prometheus.unavailableFor(1);
            refused = new PrometheusQuery(source(prometheus.queryUrl(), "up")).fetch(WAVE_START, WAVE_END);
            empty = new PrometheusQuery(source(prometheus.queryUrl(), "vllm:num_requests_running")).fetch(WAVE_START, WAVE_END);
        }

        assertThat(unreachable.status()).isEqualTo("failed");
        assertThat(unreachable.error()).startsWith("Prometheus at " + down + " did not answer: ConnectException");
        assertThat(refused.error()).endsWith("refused the metadata of up: HTTP 503 unavailable: TSDB not ready");
        assertThat(empty.status()).isEqualTo("failed");
        assertThat(empty.error()).contains("has no data for [vllm:num_requests_running] in the wave window");
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> copy = new java.util.HashMap<>(labels);
        copy.put(name, value);
        return copy;
    }

    private static PrometheusSource source(URI queryUrl, String... metrics) {
        return new PrometheusSource(0, null, queryUrl, List.of(metrics).stream().map(SeriesSelector::parse).toList(),
                Duration.ofSeconds(5));
    }
}
