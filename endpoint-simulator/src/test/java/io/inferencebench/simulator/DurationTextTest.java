package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void readsMillisecondsSecondsAndBareZero() {
        assertThat(DurationText.parse("--latency", "50ms")).isEqualTo(Duration.ofMillis(50));
        assertThat(DurationText.parse("--latency", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationText.parse("--latency", "0.25ms")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(DurationText.parse("--latency", "0")).isEqualTo(Duration.ZERO);
        assertThat(DurationText.parse("--latency", " 2S ")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void rejectsNumbersWithoutUnitNegativeValuesAndUnknownUnitsNamingTheOption() {
        for (String bad : new String[] {"50", "-5ms", "5x", "ms", "", "1.5.2s", "5 min"}) {
            assertThatThrownBy(() -> DurationText.parse("--itl", bad))
                    .isInstanceOf(SimulatorOptionsException.class)
                    .hasMessageContaining("--itl")
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("50ms, 1.5s or 0");
        }
    }

    @Test
    void formatsShortly() {
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0");
        assertThat(DurationText.format(Duration.ofMillis(50))).isEqualTo("50ms");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(DurationText.format(Duration.ofMillis(12_500))).isEqualTo("12.5s");
    }
}
