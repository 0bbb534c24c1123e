package io.inferencebench.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ThresholdTest {
    // the sample wave: target 50/s, client 50/s, latency p99 55.3 ms, success 0.998
    private static final WaveOutcome WAVE = WaveOutcomeTest.sample();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "latency.p99<500ms          | true  | 55.3  | 500",
            "latency.p99<50ms           | false | 55.3  | 50",
            "latency.p99 < 0.06s        | true  | 55.3  | 60",
            "from_intended.p99<=55.3ms  | true  | 55.3  | 55.3",
            "success_rate>=0.99         | true  | 0.998 | 0.99",
            "success_rate>=99.9%        | false | 0.998 | 0.999",
            "client_rps>=0.99*target    | true  | 50    | 49.5",
            "client_rps>1.01*target     | false | 50    | 50.5",
            "failed==2                  | true  | 2     | 2",
            "LATENCY.P50 > 10           | true  | 50.9  | 10"})
    void checksAFigureOfTheOutcome(String text, boolean passed, double measured, double limit) {
        Threshold.Check c = Threshold.parse(text).check(WAVE);
        assertThat(c.passed()).isEqualTo(passed);
        assertThat(c.measured()).isCloseTo(measured, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.limit()).isCloseTo(limit, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aFigureTheWaveDidNotMeasureFailsItsGate() {
        Threshold.Check c = Threshold.parse("queue.p99<5ms").check(WAVE);
        assertThat(c.passed()).isFalse();
        assertThat(c.measured()).isNull();
        assertThat(Threshold.describe(c)).isEqualTo("queue.p99<5ms failed: measured nothing (not measured in this wave), limit 5");
    }

    @Test
    void allMustHoldAndTheFailedOneIsNamedWithItsValue() {
        Threshold.Checks checks = Threshold.checkAll(
                List.of(Threshold.parse("success_rate>=0.99"), Threshold.parse("latency.p99<50ms")), WAVE);
        assertThat(checks.passed()).isFalse();
        assertThat(checks.checks()).extracting(Threshold.Check::passed).containsExactly(true, false);
        assertThat(Threshold.describe(checks.checks().get(1))).isEqualTo("latency.p99<50ms failed: measured 55.3, limit 50");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "ttft.p90<300ms                 | true  | 210.88 | 300",
            "ttft.p99<0.2s                  | false | 234.63 | 200",
            "itl.p50<=20ms                  | true  | 19.97  | 20",
            "request_latency.max<1s         | true  | 900    | 1000",
            "output_token_throughput>=1000  | false | 998    | 1000",
            "goodput>=9                     | true  | 9.5    | 9"})
    void anLlmWavesTokenFiguresAreThresholdsToo(String text, boolean passed, double measured, double limit) {
        Stats ttft = new Stats(100L, 20475.0, 204.8, 201.2, 204.75, 210.88, 234.63, 281.75);
        Stats itl = new Stats(100L, 1997.0, 19.97, 19.9, 19.97, 19.98, 20.05, 20.08);
        Stats latency = new Stats(100L, 85000.0, 850.0, 820.0, 850.0, 870.0, 890.0, 900.0);
        WaveOutcome llm = WAVE.withSection(TokenMetrics.SECTION, new TokenMetrics(100, "usage", 998.0, 6400L, 12800L,
                9.5, 95L, ttft, null, itl, latency, null, null, null));
        Threshold.Check c = Threshold.parse(text).check(llm);
        assertThat(c.passed()).isEqualTo(passed);
        assertThat(c.measured()).isCloseTo(measured, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.limit()).isCloseTo(limit, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Threshold.parse("ttft.p90<300ms").check(WAVE).measured()).as("no tokens section: not measured").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "latency.p99 500ms         | is not FIGURE OP VALUE",
            "latency.p99<fast          | is not FIGURE OP VALUE",
            "latency.p42<5ms           | names the unknown figure 'latency.p42'",
            "throughput>5              | names the unknown figure 'throughput'",
            "latency.p99>=0.5*target   | only client_rps and server_rps are rates",
            "success_rate>0.9s         | is not a time",
            "latency.p99<5%            | only success_rate is a share"})
    void aThresholdThatCannotBeReadIsOneSentence(String text, String problem) {
        assertThatThrownBy(() -> Threshold.parse(text)).isInstanceOf(Threshold.Invalid.class)
                .hasMessageContaining(problem).hasMessageStartingWith("Threshold '" + text + "'")
                .message().doesNotContain("\n");
    }
}
