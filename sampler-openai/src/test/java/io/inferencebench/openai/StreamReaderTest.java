package io.inferencebench.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/** Hundreds of streams at once, all read by the JVM's reader threads (one per 4 cores), against the real simulator. */
class StreamReaderTest {
    @Test
    void threeHundredConcurrentStreamsAreReadWholeAndTimedByOneThread() throws Exception {
        int threads = 300;
        int each = 2;
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.defaults().withTtft("100ms").withItl("10ms")
                .withOutputTokens(20))) {
            URI url = URI.create(sim.baseUrl() + "/v1/chat/completions");
            Prompts prompts = Prompts.of(true, "sim", 20, true, null, 40, 0, 0, 1);
            ConcurrentLinkedQueue<TokenMeasurement> measured = new ConcurrentLinkedQueue<>();
            try (OpenAiEndpoint endpoint = new OpenAiEndpoint(url, "", prompts, true, Duration.ofSeconds(30))) {
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> workers = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Thread w = new Thread(() -> {
                        StreamingConnection c = endpoint.connection();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < each; i++) {
                            measured.add(endpoint.request(c));
                        }
                    });
                    w.start();
                    workers.add(w);
                }
                go.countDown();
                for (Thread w : workers) {
                    w.join(60_000);
                }
            }
            assertThat(measured).hasSize(threads * each).allSatisfy(m -> {
                assertThat(m.error()).isNull();
                assertThat(m.outputTokens()).isEqualTo(20);
                assertThat(m.countedAs()).isEqualTo(TokenMeasurement.COUNTED_AS_USAGE);
                assertThat(m.ttftMs()).isGreaterThanOrEqualTo(100.0);
                // the simulator sends the 20th token 100 + 19 x 10 ms after the request at the earliest (the
                // timings themselves are the benchmark's to judge: 300 streams begun at once queue on a busy machine)
                assertThat(m.latencyMs()).isGreaterThanOrEqualTo(290.0);
                assertThat(m.itlMs()).isPositive();
            });
            long readers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("openai-stream-reader-")).count();
            assertThat(readers).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 4));
        }
    }
}
