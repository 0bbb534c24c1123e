package io.inferencebench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class PacingOptionsTest {

    @Test
    void byDefaultEveryMechanismRunsTwentySecondsAtTheIssuesRatesAndThroughAThreeSecondStall() {
        PacingOptions o = PacingOptions.parse();

        assertThat(o.seconds()).isEqualTo(20);
        assertThat(o.rates()).containsExactly(50.0, 500.0, 2000.0);
        assertThat(o.mechanisms()).containsExactly(Mechanism.values());
        assertThat(o.stall()).isEqualTo("5s:3s");
        assertThat(o.stallAtNanos()).isEqualTo(5_000_000_000L);
        assertThat(o.stallForNanos()).isEqualTo(3_000_000_000L);
        assertThat(o.stallRate()).isEqualTo(500);
        assertThat(o.stallWaveSeconds()).isEqualTo(12);
        assertThat(o.repeat()).isEqualTo(1);
        assertThat(PacingOptions.parse("--repeat", "3").repeat()).isEqualTo(3);
    }

    @Test
    void quickIsAShortSmokeRunThatExplicitOptionsStillOverride() {
        PacingOptions quick = PacingOptions.parse("--quick");
        assertThat(quick.seconds()).isEqualTo(3);
        assertThat(quick.rates()).containsExactly(50.0, 500.0);
        assertThat(quick.stall()).isEqualTo("4s:1s");

        PacingOptions mine = PacingOptions.parse("--quick", "--seconds", "5", "--rates", "100", "--no-stall",
                "--mechanisms", "ours,omtg,ours", "--out", "x/report.md");
        assertThat(mine.seconds()).isEqualTo(5);
        assertThat(mine.rates()).containsExactly(100.0);
        assertThat(mine.stall()).isNull();
        assertThat(mine.mechanisms()).isEqualTo(List.of(Mechanism.OURS, Mechanism.OPEN_MODEL));
        assertThat(mine.out()).isEqualTo(Path.of("x/report.md"));
    }

    @Test
    void theGatlingRowIsAMechanismLikeTheOthersAtAnyRate() {
        PacingOptions o = PacingOptions.parse("--plain", "--rates", "50,500,2000,4000,6000", "--no-stall",
                "--mechanisms", "ours,ptt,tst,gatling");
        assertThat(o.rates()).containsExactly(50.0, 500.0, 2000.0, 4000.0, 6000.0);
        assertThat(o.mechanisms()).containsExactly(Mechanism.OURS, Mechanism.PRECISE, Mechanism.SHAPING, Mechanism.GATLING);
        assertThat(Mechanism.GATLING.jmeter()).isFalse();
    }

    @Test
    void badValuesAreNamedWithTheFix() {
        assertThatThrownBy(() -> PacingOptions.parse("--seconds", "0"))
                .isInstanceOf(PacingOptions.BadOptionException.class)
                .hasMessageContaining("--seconds '0'").hasMessageContaining("--seconds 20");
        assertThatThrownBy(() -> PacingOptions.parse("--rates", "50,fast"))
                .hasMessageContaining("'fast' is not a rate");
        assertThatThrownBy(() -> PacingOptions.parse("--mechanisms", "ours,jmx"))
                .hasMessageContaining("unknown 'jmx'").hasMessageContaining("ours, ptt, ctt, tst, omtg, gatling");
        assertThatThrownBy(() -> PacingOptions.parse("--rates"))
                .hasMessageContaining("--rates needs a value");
        assertThatThrownBy(() -> PacingOptions.parse("--repeat", "0"))
                .hasMessageContaining("--repeat '0' is not a whole number from 1 to 10").hasMessageContaining("--repeat 3");
        assertThatThrownBy(() -> PacingOptions.parse("--fast"))
                .hasMessageContaining("Unknown option '--fast'");
    }
}
