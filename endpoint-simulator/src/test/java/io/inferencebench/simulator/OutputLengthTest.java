package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OutputLengthTest {

    private static int[] draws(OutputLength length, Integer maxTokens, long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        return IntStream.range(0, n).map(i -> length.tokens(maxTokens, random.split())).toArray();
    }

    @Test
    void aNumberIsTheLengthWhenTheRequestSetsNoMaxTokensAndMaxTokensReplacesIt() {
        OutputLength fixed = OutputLength.parse("--output-tokens", "64");
        assertThat(fixed.isDrawn()).isFalse();
        assertThat(fixed.tokens(null, null)).isEqualTo(64);
        assertThat(fixed.tokens(100, null)).isEqualTo(100);
        assertThat(fixed.tokens(8, null)).isEqualTo(8);
    }

    @Test
    void uniformDrawsEveryLengthBetweenItsBoundsCappedByMaxTokens() {
        OutputLength uniform = OutputLength.parse("--output-tokens", "uniform:32-96");
        int[] n = draws(uniform, null, 1, 5000);
        assertThat(IntStream.of(n).min().getAsInt()).isEqualTo(32);
        assertThat(IntStream.of(n).max().getAsInt()).isEqualTo(96);
        assertThat(IntStream.of(n).average().getAsDouble()).isBetween(62.0, 66.0);
        assertThat(IntStream.of(draws(uniform, 40, 1, 1000)).boxed().toList()).allMatch(t -> t >= 32 && t <= 40).contains(40);
    }

    @Test
    void normalHasItsMeanAndSpreadAndNeverGoesBelowOneToken() {
        int[] n = draws(OutputLength.parse("--output-tokens", "normal:64,8"), null, 1, 20000);
        double mean = IntStream.of(n).average().getAsDouble();
        double sd = Math.sqrt(IntStream.of(n).mapToDouble(t -> (t - mean) * (t - mean)).sum() / n.length);
        assertThat(mean).isBetween(63.7, 64.3);
        assertThat(sd).isBetween(7.7, 8.3);
        assertThat(IntStream.of(draws(OutputLength.parse("--output-tokens", "normal:2,50"), null, 1, 2000)).boxed().toList()).allMatch(t -> t >= 1).contains(1);
        assertThat(IntStream.of(draws(OutputLength.parse("--output-tokens", "normal:64,8"), 60, 1, 2000)).boxed().toList()).allMatch(t -> t <= 60);
    }

    @Test
    void theSameSeedDrawsTheSameLengthsAndAnotherSeedOthers() {
        OutputLength normal = OutputLength.parse("--output-tokens", "normal:64,8");
        assertThat(draws(normal, null, 42, 100)).isEqualTo(draws(normal, null, 42, 100));
        assertThat(draws(normal, null, 42, 100)).isNotEqualTo(draws(normal, null, 43, 100));
    }

    @Test
    void badFormsNameTheOptionAndTheThreeForms() {
        for (String bad : new String[] {"0", "-3", "lots", "uniform:0-5", "uniform:9-3", "uniform:5", "normal:64",
            "normal:0,1", "normal:64,-1"}) {
            assertThatThrownBy(() -> OutputLength.parse("--output-tokens", bad))
                    .isInstanceOf(SimulatorOptionsException.class)
                    .hasMessage("Option --output-tokens has the bad value '" + bad + "': write a positive whole number "
                            + "of tokens, uniform:32-96 or normal:64,8 (mean, standard deviation).");
        }
    }
}
