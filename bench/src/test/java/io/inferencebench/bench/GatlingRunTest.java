package io.inferencebench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Gatling row for real: Gatling in its own JVM against the endpoint simulator in another. */
class GatlingRunTest {
    private static final Pattern RECEIVED = Pattern.compile("(?m)^ib_sim_requests_received_total (\\d+)");

    @Test
    void gatlingsOpenModelPostsEveryScheduledRequestToTheSimulatorAndTheRowReadsThem(@TempDir Path work) throws Exception {
        try (SimulatorProcess sim = SimulatorProcess.start("50ms", null, work.resolve("simulator.log"))) {
            URI url = URI.create(sim.baseUrl() + "/invocations");

            PacingRun run = GatlingRun.execute(work.resolve("gatling"), new Mechanism.Load(url, 50, 2));

            assertThat(run.note()).isNull();
            assertThat(run.mechanism()).isEqualTo(Mechanism.GATLING);
            // 50/s for 2 s: Gatling injects 100 users, each one POST
            assertThat(run.started()).isEqualTo(100);
            assertThat(run.successful()).isEqualTo(100);
            assertThat(received(sim)).isEqualTo(100);
            StartStatistics s = run.statistics();
            assertThat(s.achievedRatio()).isBetween(0.95, 1.0);
            // every request ended, and took the simulator's 50 ms at least
            assertThat(s.latencyPercentileMs(0.5)).isGreaterThanOrEqualTo(50);
            assertThat(run.samples().size()).isEqualTo(100);
            for (int i = 0; i < run.samples().size(); i++) {
                assertThat(run.samples().end(i)).isGreaterThan(run.samples().start(i));
            }
            assertThat(run.cpuNanos()).isPositive();
            assertThat(run.threads()).startsWith("JVM peak ");
        }
    }

    private static long received(SimulatorProcess sim) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = RECEIVED.matcher(r.body());
        assertThat(m.find()).as("the simulator's /metrics counts requests").isTrue();
        return Long.parseLong(m.group(1));
    }
}
