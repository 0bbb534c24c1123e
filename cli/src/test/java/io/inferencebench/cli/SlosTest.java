package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.inferencebench.outcome.Threshold;

class SlosTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // --slo                                   | wave-level thresholds                                | per request
            "p99=500ms                                 | from_intended.p99<=500ms                             | ",
            "p99=500ms,ttft.p90=300ms                  | from_intended.p99<=500ms ttft.p90<=300ms             | ",
            "ttft<300ms,itl<25ms                       |                                                      | ttft<300ms,itl<25ms",
            "ttft=300ms, p50<1s, success_rate>=0.99    | from_intended.p50<1s success_rate>=0.99              | ttft=300ms",
            "latency.p99<2s,latency<2s                 | latency.p99<2s                                       | latency<2s",
            "ITL.P99=30ms                              | itl.p99<=30ms                                        | "})
    void splitsWaveLevelLimitsFromPerRequestOnes(String slo, String wave, String perRequest) {
        assertThat(String.join(" ", Slos.waveLevel(slo).stream().map(Threshold::text).toList()))
                .isEqualTo(wave == null ? "" : wave);
        assertThat(Slos.perRequest(slo)).isEqualTo(perRequest);
        assertThat(Slos.waveLevel(null)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "p95=1s          | --slo 'p95=1s': names the unknown figure 'from_intended.p95'",
            "ttft.p90=fast   | --slo 'ttft.p90=fast': is not FIGURE OP VALUE"})
    void aWaveLevelLimitThatCannotBeReadIsOneSentenceNamingTheFlag(String slo, String problem) {
        assertThatThrownBy(() -> Slos.waveLevel(slo)).isInstanceOf(BadInputException.class).hasMessageStartingWith(problem)
                .message().doesNotContain("\n");
    }
}
