package io.inferencebench.python;

import io.inferencebench.testsupport.EmbeddedJMeter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.jmeter.samplers.SampleResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.inferencebench.testsupport.EmbeddedJMeter.Sample;
import io.inferencebench.wave.SampleFields;

/** The sampler in a real JMeter engine, with real CPython workers. */
class PythonFactorySamplerTest {
    @TempDir
    Path folder;

    private static PythonOptions subprocess(Path file) {
        return PythonOptions.of(file).withRuntime(PythonOptions.Runtime.SUBPROCESS);
    }

    @Test
    void everySampleIsOneInvokeLabelledByTheFileAndCarryingItsMeasurements() {
        Path file = Factories.write(folder, "chat_like.py", """
                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        return {"status": 200, "response_bytes": 300, "input_tokens": payload,
                                "output_tokens": 64, "ttft_ms": 12.5}
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [10, 20]}
                """);
        List<Sample> samples = EmbeddedJMeter.run(PythonFactorySampler.of(subprocess(file).withWorkers(2)), 4, 10);

        assertThat(samples).hasSize(40).allSatisfy(sample -> {
            SampleResult result = sample.result();
            assertThat(result.getSampleLabel()).isEqualTo("chat_like");
            assertThat(result.isSuccessful()).isTrue();
            assertThat(result.getResponseCode()).isEqualTo("200");
            assertThat(result.getBytesAsLong()).isEqualTo(300);
            assertThat(sample.fields()).containsEntry(SampleFields.STATUS, "200")
                    .containsEntry(SampleFields.RESPONSE_BYTES, "300")
                    .containsEntry(SampleFields.OUTPUT_TOKENS, "64")
                    .containsEntry(SampleFields.TTFT_MS, "12.5");
            assertThat(sample.fields().get(SampleFields.INPUT_TOKENS)).isIn("10", "20");
            assertThat(Double.parseDouble(sample.fields().get(SampleFields.QUEUE_MS))).isGreaterThanOrEqualTo(0);
        });
        assertThat(PythonRuntimes.running(subprocess(file).withWorkers(2))).as("closed when the test ended").isNull();
    }

    @Test
    void theEndpointNameLabelsTheSamplesAndReachesInvokeFactory() {
        Path file = Factories.write(folder, "named.py", """
                def invoke_factory(endpoint_name=None):
                    assert endpoint_name == "churn-model", endpoint_name
                    return lambda payload: None

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        List<Sample> samples = EmbeddedJMeter.run(PythonFactorySampler.of(subprocess(file).withEndpointName("churn-model")), 1, 3);

        assertThat(samples).hasSize(3).allSatisfy(sample -> {
            assertThat(sample.result().getSampleLabel()).isEqualTo("churn-model");
            assertThat(sample.result().isSuccessful()).isTrue();
            assertThat(sample.fields()).containsEntry(SampleFields.STATUS, "").containsEntry(SampleFields.TTFT_MS, "");
        });
    }

    @Test
    void failuresCarryTheExceptionAsTheirMessage() {
        Path file = Factories.write(folder, "half_fail.py", """
                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        if payload % 2:
                            raise ConnectionError("endpoint refused request %d" % payload)
                        return {"status": 200}
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [0, 1]}
                """);
        List<Sample> samples = EmbeddedJMeter.run(PythonFactorySampler.of(subprocess(file)), 1, 4);

        assertThat(samples).extracting(s -> s.result().isSuccessful()).containsExactly(true, false, true, false);
        assertThat(samples.get(1).result().getResponseMessage()).isEqualTo("ConnectionError: endpoint refused request 1");
        assertThat(samples.get(1).result().getResponseCode()).isEqualTo("500");
        assertThat(samples.get(1).fields()).as("no stale value from the sample before").containsEntry(SampleFields.STATUS, "");
    }

    @Test
    void theSampleTimeIsInvokesOwnTime() {
        Path file = Factories.write(folder, "slow.py", """
                import time

                def invoke_factory(endpoint_name=None):
                    return lambda payload: time.sleep(0.05)

                def payload_factory():
                    return {"pre_computed": False, "input": lambda: time.sleep(0.5)}
                """);
        List<Sample> samples = EmbeddedJMeter.run(PythonFactorySampler.of(subprocess(file)), 1, 2);

        // at least invoke's 50 ms, and far from the 550 ms that payload building would add
        assertThat(samples).allSatisfy(s -> assertThat(s.result().getTime()).isBetween(50L, 499L));
    }

    @Test
    void aBrokenFactoriesFileFailsTheFirstSampleWithItsSentenceAndStopsTheTest() {
        Path file = Factories.write(folder, "no_invoke.py", """
                def payload_factory():
                    return {"pre_computed": True, "input": [1]}
                """);
        List<Sample> samples = EmbeddedJMeter.run(PythonFactorySampler.of(subprocess(file)), 1, 50);

        assertThat(samples).hasSizeLessThan(50).first().satisfies(s -> {
            assertThat(s.result().isSuccessful()).isFalse();
            assertThat(s.result().getResponseMessage()).isEqualTo("Factories file " + file
                    + " defines no invoke_factory; add def invoke_factory(endpoint_name=None) returning invoke(payload).");
        });
    }

    @Test
    void aWorkerKilledMidWaveFailsOnlyItsInFlightRequestsAndEveryFiredRequestIsCounted() throws Exception {
        Path file = Factories.write(folder, "steady.py", """
                import time

                def invoke_factory(endpoint_name=None):
                    return lambda payload: time.sleep(0.02)

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        PythonOptions options = subprocess(file).withWorkers(2);
        Thread killer = new Thread(() -> {
            try {
                WorkerPool pool = null;
                while (pool == null) {
                    pool = (WorkerPool) PythonRuntimes.running(options);
                    Thread.sleep(10);
                }
                Thread.sleep(500);
                ProcessHandle.of(pool.pids()[0]).orElseThrow().destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        int fired = 10 * 100;
        List<Sample> samples = EmbeddedJMeter.run(PythonFactorySampler.of(options), 10, 100);
        killer.join();

        long succeeded = samples.stream().filter(s -> s.result().isSuccessful()).count();
        long failed = samples.stream().filter(s -> !s.result().isSuccessful()).count();
        assertThat(samples).hasSize(fired);
        assertThat(succeeded + failed).isEqualTo(fired);
        assertThat(failed).as("only requests in flight on the killed worker").isBetween(1L, 10L);
        assertThat(samples.stream().filter(s -> !s.result().isSuccessful()).map(s -> s.result().getResponseMessage()))
                .containsOnly("Python worker 0 exited on signal 9 (SIGKILL, e.g. out of memory)");
    }

    /** The regression for repeated worker death: a worker killed every 2 s through a 30 s wave. */
    @Test
    void workersKilledEveryTwoSecondsLoseOnlyTheirInFlightRequestsAndTheWaveGoesOn() throws Exception {
        Path file = Factories.write(folder, "steady_long.py", """
                import time

                def invoke_factory(endpoint_name=None):
                    return lambda payload: time.sleep(0.02)

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        PythonOptions options = subprocess(file).withWorkers(2);
        java.util.concurrent.atomic.AtomicInteger kills = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread killer = new Thread(() -> {
            try {
                WorkerPool pool = null;
                while (pool == null && !done.get()) {
                    pool = (WorkerPool) PythonRuntimes.running(options);
                    Thread.sleep(10);
                }
                for (int i = 0; !done.get(); i++) {
                    Thread.sleep(2000);
                    long pid = pool.pids()[i % 2];
                    if (!done.get() && ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
                        kills.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        // 10 threads of 20 ms requests for about 30 s
        int threads = 10;
        int loops = 1400;
        List<Sample> samples;
        try {
            samples = EmbeddedJMeter.run(PythonFactorySampler.of(options), threads, loops);
        } finally {
            done.set(true);
            killer.join();
        }

        long failed = samples.stream().filter(s -> !s.result().isSuccessful()).count();
        assertThat(kills.get()).as("a kill every 2 s").isGreaterThanOrEqualTo(10);
        assertThat(samples).as("every request counted once").hasSize(threads * loops);
        // each kill fails at most the requests in flight on that worker (at most all 10 threads' at once)
        assertThat(failed).isBetween((long) kills.get() / 2, (long) kills.get() * threads);
        assertThat(samples.stream().filter(s -> !s.result().isSuccessful()).map(s -> s.result().getResponseMessage()))
                .allMatch(m -> m.matches("Python worker [01] exited on signal 9 \\(SIGKILL, e.g. out of memory\\)"));
    }

    @Test
    void anHttpInvokeWithKeepAliveReachesALoopbackServer() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger connections = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/invocations", exchange -> {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = ("{\"echo\": " + body.length + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        try {
            Path file = Factories.write(folder, "http_invoke.py", """
                    import http.client, json, os, threading
                    from urllib.parse import urlsplit

                    def invoke_factory(endpoint_name=None):
                        url = urlsplit(os.environ["IB_ENDPOINT_URL"])
                        local = threading.local()
                        def invoke(payload):
                            if not hasattr(local, "conn"):
                                local.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
                            local.conn.request("POST", "/invocations", body=json.dumps(payload),
                                               headers={"Content-Type": "application/json"})
                            response = local.conn.getresponse()
                            body = response.read()
                            if response.status >= 400:
                                raise RuntimeError("%d/%s" % (response.status, response.reason))
                            return {"status": response.status, "response_bytes": len(body)}
                        return invoke

                    def payload_factory():
                        return {"pre_computed": True, "input": [{"instances": [[i, i + 1]]} for i in range(8)]}
                    """);
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            PythonOptions options = subprocess(file).withEnvironment(Map.of("IB_ENDPOINT_URL", url))
                    .withRequestTimeout(Duration.ofSeconds(10));
            List<Sample> samples = EmbeddedJMeter.run(PythonFactorySampler.of(options), 4, 25);

            assertThat(samples).hasSize(100).allSatisfy(s -> {
                assertThat(s.result().isSuccessful()).as(s.result().getResponseMessage()).isTrue();
                assertThat(s.fields()).containsEntry(SampleFields.STATUS, "200");
                assertThat(s.result().getBytesAsLong()).isEqualTo(12);
            });
            assertThat(requests.get()).isEqualTo(100);
        } finally {
            server.stop(0);
        }
    }
}
