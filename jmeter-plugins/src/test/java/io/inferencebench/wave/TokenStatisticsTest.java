package io.inferencebench.wave;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.apache.jmeter.samplers.SampleResult;
import org.junit.jupiter.api.Test;

import io.inferencebench.outcome.TokenMetrics;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;

/** The {@code tokens} section built from samples' fields, and its lines in the RESULTS block. */
class TokenStatisticsTest {

    private static SampleResult sample(long startMs, long elapsedMs, boolean ok) {
        SampleResult r = new SampleResult();
        r.setStampAndTime(startMs, elapsedMs);
        r.setSuccessful(ok);
        r.setResponseCode(ok ? "200" : "500");
        return r;
    }

    private static Map<String, String> llm(String ttft, String itl, String tokens, String countedAs) {
        Map<String, String> f = new HashMap<>();
        f.put(SampleFields.TTFT_MS, ttft);
        f.put(SampleFields.TTST_MS, itl);
        f.put(SampleFields.ITL_MS, itl);
        f.put(SampleFields.REQUEST_LATENCY_MS, Double.toString(Double.parseDouble(ttft) + 63 * Double.parseDouble(itl)));
        f.put(SampleFields.OUTPUT_TOKENS, tokens);
        f.put(SampleFields.INPUT_TOKENS, "128");
        f.put(SampleFields.TOKENS_COUNTED_AS, countedAs);
        return f;
    }

    @Test
    void anLlmWaveGetsATokensSectionOverItsSuccessfulRequests() throws Exception {
        WaveStatistics stats = new WaveStatistics();
        for (int i = 0; i < 10; i++) {
            stats.record(sample(1_000_000 + i * 100L, 1460, true), llm("200.0", "20.0", "64", "usage")::get);
        }
        stats.record(sample(1_000_500, 100, false), llm("900.0", "90.0", "3", "chunks")::get);
        WaveOutcome outcome = stats.outcome(null, WaveSetup.ofPlan(null, 0.9));
        TokenMetrics t = outcome.section(TokenMetrics.SECTION);

        assertThat(t.requests()).isEqualTo(10);
        assertThat(t.tokensCountedAs()).isEqualTo("usage");
        assertThat(t.totalOutputTokens()).isEqualTo(640);
        assertThat(t.totalInputTokens()).isEqualTo(1280);
        // first start 1_000_000, last end 1_000_900 + 1460: 2.36 s
        assertThat(t.outputTokenThroughput()).isEqualTo(Math.round(640 / 2.36 * 1000) / 1000.0);
        assertThat(t.timeToFirstTokenMs().p50()).isEqualTo(200.0, org.assertj.core.data.Offset.offset(0.2));
        assertThat(t.interTokenLatencyMs().p99()).isEqualTo(20.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(t.outputTokenThroughputPerUser().p50()).isEqualTo(50.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(t.outputTokens().max()).isEqualTo(64.0);
        assertThat(t.goodput()).as("no SLO given").isNull();

        String block = ResultsBlock.render(outcome);
        assertThat(block).contains("   Output tokens:    271.2 tok/s | total 640 | per request p50 64 (counted as usage)")
                .contains("   TTFT (ms):        p50 200.").contains("   ITL (ms):         p50 20.0");
        assertThat(WaveOutcome.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(outcome.toJson()))
                .section(TokenMetrics.SECTION)).isEqualTo(t);
    }

    @Test
    void goodputCountsTheSuccessfulRequestsThatMetEverySlo() {
        WaveStatistics stats = new WaveStatistics();
        for (int i = 0; i < 4; i++) {
            Map<String, String> f = llm("200.0", "20.0", "64", "usage");
            f.put(SampleFields.SLO_MET, i < 3 ? "1" : "0");
            stats.record(sample(0, 2000, true), f::get);
        }
        Map<String, String> failed = llm("200.0", "20.0", "64", "usage");
        failed.put(SampleFields.SLO_MET, "1");
        stats.record(sample(0, 2000, false), failed::get);
        WaveOutcome outcome = stats.outcome(null, WaveSetup.ofPlan(null, 0.5));
        TokenMetrics t = outcome.section(TokenMetrics.SECTION);

        assertThat(t.goodRequests()).isEqualTo(3);
        assertThat(t.goodput()).isEqualTo(1.5); // 3 over the 2 s from the first start to the last end
        assertThat(ResultsBlock.render(outcome)).contains("   Goodput:          1.50 req/s (3 requests met every SLO)");
    }

    @Test
    void chunkCountsAreSaidAndMixedCountsToo() {
        WaveStatistics chunks = new WaveStatistics();
        chunks.record(sample(0, 10, true), llm("1.0", "1.0", "5", "chunks")::get);
        assertThat(chunks.outcome(null, WaveSetup.ofPlan(null, 0.9)).section(TokenMetrics.SECTION).tokensCountedAs())
                .isEqualTo("chunks");
        chunks.record(sample(0, 10, true), llm("1.0", "1.0", "5", "usage")::get);
        assertThat(chunks.outcome(null, WaveSetup.ofPlan(null, 0.9)).section(TokenMetrics.SECTION).tokensCountedAs())
                .isEqualTo("usage+chunks");
        chunks.record(sample(0, 10, true), llm("1.0", "1.0", "5", "tokenizer")::get);
        assertThat(chunks.outcome(null, WaveSetup.ofPlan(null, 0.9)).section(TokenMetrics.SECTION).tokensCountedAs())
                .isEqualTo("usage+tokenizer+chunks");

        WaveStatistics tokenizer = new WaveStatistics();
        tokenizer.record(sample(0, 10, true), llm("1.0", "1.0", "5", "tokenizer")::get);
        assertThat(tokenizer.outcome(null, WaveSetup.ofPlan(null, 0.9)).section(TokenMetrics.SECTION).tokensCountedAs())
                .isEqualTo("tokenizer");
    }

    @Test
    void aWaveWithoutTokenFiguresHasNoSectionAndNoTokenLines() {
        WaveStatistics stats = new WaveStatistics();
        stats.record(sample(0, 10, true), name -> null);
        WaveOutcome outcome = stats.outcome(null, WaveSetup.ofPlan(null, 0.9));
        assertThat(outcome.section(TokenMetrics.SECTION)).isNull();
        assertThat(outcome.toJson()).doesNotContain("\"tokens\"");
        assertThat(ResultsBlock.render(outcome)).doesNotContain("TTFT").doesNotContain("Output tokens");
    }
}
