package io.inferencebench.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceLevelsTest {
    private static TokenMeasurement request(double ttftMs, double lastMs, int tokens, String error) {
        long ms = 1_000_000L;
        return TokenMeasurement.of(0, Math.round(ttftMs * ms), Math.round(ttftMs * ms) + 20 * ms, Math.round(lastMs * ms),
                Math.round(lastMs * ms), tokens, 10, "usage", 100, error);
    }

    @Test
    void aRequestIsGoodWhenItMetEveryLimit() throws Exception {
        // the syntax of --threshold; aiperf's KEY=VALUE reads as KEY<=VALUE
        ServiceLevels slo = ServiceLevels.parse("ttft<=300ms, itl<25, latency=2s");
        assertThat(slo.met(request(200, 1460, 64, null))).isEqualTo("1");
        assertThat(slo.met(request(301, 1460, 64, null))).as("TTFT over").isEqualTo("0");
        assertThat(slo.met(request(200, 2100, 64, null))).as("latency over").isEqualTo("0");
        assertThat(slo.met(request(200, 200, 1, null))).as("no ITL of one token").isEqualTo("0");
        assertThat(slo.met(request(200, 1460, 64, "HTTP 500: x"))).as("failed").isEqualTo("0");
        assertThat(ServiceLevels.parse("").met(request(200, 1460, 64, null))).as("no SLO").isEmpty();
        assertThat(ServiceLevels.parse("ttft<300ms").met(request(300, 1460, 64, null))).as("strictly under").isEqualTo("0");
        assertThat(ServiceLevels.parse("ttft=300ms").met(request(300, 1460, 64, null))).as("at most").isEqualTo("1");
    }

    @Test
    void aBadLimitIsOneSentence() {
        assertThatThrownBy(() -> ServiceLevels.parse("ttft=300ms,speed=9"))
                .hasMessage("The OpenAI Streaming Sampler's 'SLOs' part 'speed=9' is not FIGURE<TIME with a figure of ttft,"
                        + " ttst, itl or latency: write e.g. ttft<300ms,itl<25ms.");
        assertThatThrownBy(() -> ServiceLevels.parse("ttft=-1ms")).isInstanceOf(OpenAiSettingsException.class);
        assertThatThrownBy(() -> ServiceLevels.parse("ttft>300ms")).as("not an upper limit")
                .isInstanceOf(OpenAiSettingsException.class);
    }
}
