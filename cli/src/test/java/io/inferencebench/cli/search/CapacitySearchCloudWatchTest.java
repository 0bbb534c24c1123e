package io.inferencebench.cli.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.cli.Benchmark;
import io.inferencebench.metrics.CloudWatchCborBridge;
import io.inferencebench.metrics.CloudWatchData;
import io.inferencebench.metrics.MotoServer;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/**
 * The server's own count from CloudWatch: moto's server stands in for CloudWatch, and the endpoint publishes
 * {@code Invocations} as SageMaker does (a publisher puts what the simulator received, per second). A step
 * whose count matches what the client sent is used; one where the server counted more (another client on the
 * endpoint) stops the search with the disagreement. Under {@code CI=true} a missing moto fails the test.
 */
class CapacitySearchCloudWatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** AWS settings the SDK reads from system properties: the test's fake credentials and region. */
    private static final Map<String, String> AWS = Map.of("aws.accessKeyId", "AKIDSEARCHTEST",
            "aws.secretAccessKey", "search-test-secret", "aws.region", "us-east-1");

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path tmp;

    private static CloudWatchCborBridge bridge;
    private final Map<String, String> previous = new java.util.HashMap<>();

    @BeforeAll
    static void moto() throws Exception {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(MotoServer.installed()).as("moto_server on the PATH (pip install 'moto[server]')").isTrue();
        }
        bridge = CloudWatchCborBridge.shared(); // skips the tests where moto is absent (outside CI)
    }

    @BeforeEach
    void credentials() {
        AWS.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        System.setProperty("aws.endpointUrlCloudWatch", bridge.endpoint().toString());
    }

    @AfterEach
    void restore() {
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Test
    void aStepWhoseInvocationsMatchWhatTheClientSentIsUsed() throws Exception {
        JsonNode c = search("matching", 1.0);
        assertThat(c.get("result").asText()).as(console.out()).isEqualTo("max_sustained");
        JsonNode step = c.get("steps").get(0);
        assertThat(step.get("verdict").asText()).isEqualTo("pass");
        long sent = step.get("fired").asLong() + step.get("warmup_fired").asLong();
        assertThat(sent).as("10 req/s for 2 s, and 1 s of warm-up").isEqualTo(30);
        assertThat(step.get("server_count").asLong()).as("CloudWatch's Invocations over the step and its warm-up")
                .isEqualTo(sent);
        assertThat(console.out()).contains("server counted 30/30: ✓ sustained");
    }

    @Test
    void aStepWhereTheServerCountedMoreIsFlaggedAndStopsTheSearch() throws Exception {
        JsonNode c = search("disagreeing", 1.5);
        assertThat(c.get("result").asText()).as(console.out()).isEqualTo("server_count_disagrees");
        assertThat(c.has("max_sustainable_rps")).as("no answer from a step the server counted otherwise").isFalse();
        JsonNode step = c.get("steps").get(0);
        assertThat(step.get("verdict").asText()).isEqualTo("count_disagrees");
        long sent = step.get("fired").asLong() + step.get("warmup_fired").asLong();
        assertThat(step.get("server_count").asLong()).isGreaterThan(sent + 2);
        assertThat(console.out()).contains("No answer: at step 1 at 10 req/s the server counted ",
                "requests (Invocations) where the client fired " + sent);
    }

    /**
     * One step of 10 req/s for 2 s after 1 s of warm-up against a simulator of 200 ms, whose received requests a
     * publisher puts into CloudWatch as {@code Invocations} x {@code factor}, by the second they arrived in.
     */
    private JsonNode search(String name, double factor) throws Exception {
        String endpoint = "search-" + name + "-" + System.nanoTime();
        Path results = tmp.resolve(name);
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=200ms").withPort(0));
             Publisher publisher = new Publisher(sim, endpoint, factor)) {
            Path cfg = tmp.resolve(name + "-endpoint-config.json");
            Files.writeString(cfg, "[{\"stream\": \"cloudwatch\", \"Namespace\": \"AWS/SageMaker\", "
                    + "\"Dimensions\": [{\"Name\": \"EndpointName\", \"Value\": \"" + endpoint + "\"}], "
                    + "\"Period\": 1, \"Lag\": 2, \"Metrics\": [\"Invocations\"], \"Statistics\": [[\"Sum\"]]}]");
            int code = Benchmark.execute("--find-max-rps", "--url", sim.baseUrl() + "/invocations", "--endpoint-config",
                    cfg.toString(), "--aws-region", "us-east-1", "--start-rps", "10", "--max-rps", "10", "--step-time",
                    "2", "--step-warmup", "1", "--results-dir", results.toString());
            assertThat(code).as(console.out()).isEqualTo(factor == 1.0 ? Benchmark.PASSED : Benchmark.NOT_VALID);
        }
        try (Stream<Path> dirs = Files.list(results)) {
            Path dir = dirs.filter(d -> d.getFileName().toString().endsWith("_capacity-search")).findFirst().orElseThrow();
            return JSON.readTree(dir.resolve("capacity.json").toFile());
        }
    }

    /**
     * Puts the simulator's received requests into CloudWatch as they arrive: each new request is stamped with
     * the moment it was seen (within a few ms of its arrival, well before its 200 ms answer), as SageMaker counts
     * an invocation when it receives it; batches go to moto every 200 ms, well within the search's 2 s lag.
     */
    private static final class Publisher implements AutoCloseable {
        private final CloudWatchData data;
        private final ConcurrentLinkedQueue<double[]> seen = new ConcurrentLinkedQueue<>();
        private final Thread watcher;
        private final Thread putter;
        private volatile boolean running = true;

        Publisher(EndpointSimulator sim, String endpoint, double factor) {
            data = new CloudWatchData(bridge.endpoint(), "AWS/SageMaker", "EndpointName", endpoint);
            watcher = new Thread(() -> {
                long last = sim.requestCount();
                while (running) {
                    long now = sim.requestCount();
                    if (now != last) {
                        seen.add(new double[]{System.currentTimeMillis(), (now - last) * factor});
                        last = now;
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "invocations-watcher");
            putter = new Thread(() -> {
                while (running) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    put();
                }
            }, "invocations-putter");
            watcher.start();
            putter.start();
        }

        private synchronized void put() {
            List<double[]> batch = new ArrayList<>();
            for (double[] d; (d = seen.poll()) != null; ) {
                batch.add(d);
            }
            for (double[] d : batch) {
                data.put("Invocations", Instant.ofEpochMilli((long) d[0]), d[1]);
            }
            data.flush();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            watcher.join();
            putter.join();
            put();
            data.close();
        }
    }
}
