package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PrometheusScraperTest {

    private static final Duration INTERVAL = Duration.ofMillis(150);

    @Test
    void differencesVllmCountersAndHistogramsAndSummarisesDcgmGaugesOverTheWave() throws Exception {
        try (InferenceServerMetrics server = new InferenceServerMetrics()) {
            for (int i = 0; i < 10; i++) {
                server.request(3.0, 100); // before the wave: must not count
            }
            server.gauges(0, 5, 5);
            PrometheusScraper scraper = new PrometheusScraper(source(server.url(), "vllm:request_success_total",
                    "vllm:generation_tokens", "vllm:time_to_first_token_seconds", "vllm:num_requests_running",
                    "DCGM_FI_DEV_GPU_UTIL"), Clock.systemUTC());
            scraper.start();
            awaitScrapes(server, 1);

            server.gauges(8, 40, 10);
            long waveStart = System.currentTimeMillis();
            Thread.sleep(50); // a scrape stamped before the start has surely answered before the counters move
            for (int i = 0; i < 50; i++) {
                server.request(0.015, 20); // bucket (0.01, 0.02]
            }
            int seen = server.scrapes();
            awaitScrapes(server, seen + 2);
            server.gauges(16, 80, 10);
            for (int i = 0; i < 40; i++) {
                server.request(0.09, 20);  // bucket (0.08, 0.1]
            }
            for (int i = 0; i < 10; i++) {
                server.request(0.6, 20);   // bucket (0.5, 0.75]
            }
            awaitScrapes(server, server.scrapes() + 2);
            long waveEnd = System.currentTimeMillis();
            server.request(4.0, 1000);     // after the wave's end but before the closing scrape
            scraper.stop();
            StreamReport report = scraper.report(waveStart, waveEnd);

            assertThat(report.status()).isEqualTo("ok");
            assertThat(report.source()).isEqualTo(server.url().toString());
            Map<String, Map<String, Double>> byName = report.metrics().stream()
                    .collect(Collectors.toMap(MetricReport::name, MetricReport::statistics));
            assertThat(byName.keySet()).containsExactlyInAnyOrder("vllm:request_success_total", "vllm:generation_tokens",
                    "vllm:time_to_first_token_seconds", "vllm:num_requests_running",
                    "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"}", "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\"}");
            // a scrape-bounded window: from the last scrape before the start to the first after the end,
            // here the closing scrape of stop(), which saw the late request
            assertThat(byName.get("vllm:request_success_total").get("delta")).isEqualTo(101.0);
            assertThat(byName.get("vllm:request_success_total").get("rate")).isPositive();
            assertThat(byName.get("vllm:generation_tokens").get("delta")).as("found through its _total").isEqualTo(3000.0);
            Map<String, Double> ttft = byName.get("vllm:time_to_first_token_seconds");
            assertThat(ttft.get("count")).isEqualTo(101.0);
            assertThat(ttft.get("mean")).isCloseTo((50 * 0.015 + 40 * 0.09 + 10 * 0.6 + 4.0) / 101, within(1e-6));
            assertThat(ttft.get("p50")).as("rank 50.5 of 101 falls in (0.08, 0.1]")
                    .isCloseTo(0.08 + 0.02 * 0.5 / 40, within(1e-9));
            assertThat(ttft.get("p90")).isCloseTo(0.5 + 0.25 * (90.9 - 90) / 10, within(1e-9));
            Map<String, Double> gpu0 = byName.get("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"}");
            assertThat(gpu0.get("min")).isEqualTo(40.0);
            assertThat(gpu0.get("max")).isEqualTo(80.0);
            assertThat(gpu0.get("avg")).isBetween(40.0, 80.0);
            assertThat(byName.get("DCGM_FI_DEV_GPU_UTIL{gpu=\"1\"}")).containsEntry("avg", 10.0).containsEntry("last", 10.0);
            assertThat(byName.get("vllm:num_requests_running").get("max")).isEqualTo(16.0);
        }
    }

    @Test
    void readsTheEndpointSimulatorsMetrics() throws Exception {
        try (EndpointSimulator simulator = EndpointSimulator.start(SimulatorOptions.defaults().withLatency("20ms"))) {
            PrometheusScraper scraper = new PrometheusScraper(source(URI.create(simulator.baseUrl() + "/metrics"),
                    "ib_sim_requests_total{status=\"200\"}", "ib_sim_request_duration_seconds", "ib_sim_requests_in_flight"),
                    Clock.systemUTC());
            HttpClient http = HttpClient.newHttpClient();
            scraper.start();
            Thread.sleep(INTERVAL.toMillis());
            long waveStart = System.currentTimeMillis();
            for (int i = 0; i < 12; i++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/invocations"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1, 2]]}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            long waveEnd = System.currentTimeMillis();
            scraper.stop();
            StreamReport report = scraper.report(waveStart, waveEnd);

            assertThat(report.status()).isEqualTo("ok");
            assertThat(report.metrics()).extracting(MetricReport::name).containsExactly(
                    "ib_sim_requests_total{status=\"200\"}", "ib_sim_request_duration_seconds", "ib_sim_requests_in_flight");
            assertThat(report.metrics().get(0).statistics()).containsEntry("delta", 12.0);
            Map<String, Double> duration = report.metrics().get(1).statistics();
            assertThat(duration.get("count")).isEqualTo(12.0);
            assertThat(duration.get("mean")).isBetween(0.019, 1.0);
            assertThat(duration.get("p50")).isBetween(0.01, 0.05);
        }
    }

    @Test
    void saysInOneLineWhenTheEndpointIsDown() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/metrics");
        PrometheusScraper scraper = new PrometheusScraper(source(url, "up"), Clock.systemUTC());

        scraper.start();
        Thread.sleep(3 * INTERVAL.toMillis());
        scraper.stop();
        StreamReport report = scraper.report(0, System.currentTimeMillis());

        assertThat(report.status()).isEqualTo("failed");
        assertThat(report.error()).startsWith("Prometheus endpoint " + url + " could not be scraped: ConnectException");
        assertThat(report.metrics()).isEmpty();
    }

    @Test
    void saysSoWhenTheEndpointAnswersWithAnErrorOrLacksTheMetrics() throws Exception {
        try (InferenceServerMetrics server = new InferenceServerMetrics()) {
            server.answerWith(503);
            PrometheusScraper failing = new PrometheusScraper(source(server.url(), "vllm:num_requests_running"), Clock.systemUTC());
            failing.start();
            awaitScrapes(server, 2);
            failing.stop();
            server.answerWith(200);
            PrometheusScraper missing = new PrometheusScraper(source(server.url(), "vllm:num_requests_waiting"), Clock.systemUTC());
            missing.start();
            awaitScrapes(server, server.scrapes() + 2);
            missing.stop();

            assertThat(failing.report(0, System.currentTimeMillis()).error())
                    .isEqualTo("Prometheus endpoint " + server.url() + " could not be scraped: HTTP 503");
            StreamReport report = missing.report(0, System.currentTimeMillis());
            assertThat(report.status()).isEqualTo("failed");
            assertThat(report.error()).isEqualTo("none of the metrics [vllm:num_requests_waiting] is exposed by " + server.url());
            assertThat(report.metrics()).singleElement().extracting(MetricReport::name).isEqualTo("vllm:num_requests_waiting");
        }
    }

    static PrometheusSource source(URI url, String... metrics) {
        return new PrometheusSource(0, url, null, List.of(metrics).stream().map(SeriesSelector::parse).toList(), INTERVAL);
    }

    static void awaitScrapes(InferenceServerMetrics server, int count) throws InterruptedException {
        await(() -> server.scrapes() >= count);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(10);
        }
    }
}
