package io.inferencebench.aiperf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.inferencebench.outcome.AiperfReport;

/** The RESULTS — aiperf block, laid out as the wave's. */
class AiperfResultsBlockTest {

    @Test
    void theRealRunsBlock() throws Exception {
        AiperfReport r = AiperfResults.read(AiperfResultsTest.fixture("real-0.1.1"));
        assertThat(String.join("\n", AiperfResultsBlock.render(r, 0.95))).isEqualTo("""
                RESULTS — aiperf
                ----------------
                   Total requests fired: 40

                   Duration:         9.6s
                   Server RPS:       4.17 req/s
                   Total requests:   40
                   Success rate:     100.0% (✓ passed, 95% target)
                   TTFT (ms):        avg 222.13 | p50 204.87 | p99 600.77
                   ITL (ms):         avg 20.18 | p50 19.99 | p99 27.51
                   Latency (ms):     avg 1493.34 | p50 1463.79 | p99 1940.42
                   Output tokens:    266.6 tok/s""");
    }

    @Test
    void failuresAndFailedRequestsAreShown() throws Exception {
        AiperfReport older = AiperfResults.read(AiperfResultsTest.fixture("older-records"));
        assertThat(AiperfResultsBlock.render(older, 0.99)).contains("   Success rate:     98.0% (❌ failed, 99% target)",
                "   Errors:", "          2 x 503 Service Unavailable: overloaded");
        assertThat(AiperfResultsBlock.render(AiperfReport.failed(null, "aiperf is not installed."), 0.95))
                .containsExactly("RESULTS — aiperf", "----------------", "   aiperf failed: aiperf is not installed.");
    }
}
