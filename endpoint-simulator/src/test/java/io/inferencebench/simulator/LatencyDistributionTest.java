package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyDistributionTest {

    private static final long MS = 1_000_000L;

    @Test
    void aPlainDurationIsFixed() {
        LatencyDistribution d = LatencyDistribution.parse("--latency", "50ms");
        assertThat(d.sampleNanos(new SplittableRandom(1))).isEqualTo(50 * MS);
        assertThat(d.isZero()).isFalse();
        assertThat(d.text()).isEqualTo("50ms");
        assertThat(LatencyDistribution.parse("--latency", "0").isZero()).isTrue();
    }

    @Test
    void uniformStaysWithinItsBoundsAndCoversThem() {
        LatencyDistribution d = LatencyDistribution.parse("--latency", "uniform:20ms-80ms");
        SplittableRandom random = new SplittableRandom(7);
        long[] samples = new long[10_000];
        Arrays.setAll(samples, i -> d.sampleNanos(random));
        assertThat(Arrays.stream(samples).min().getAsLong()).isBetween(20 * MS, 22 * MS);
        assertThat(Arrays.stream(samples).max().getAsLong()).isBetween(78 * MS, 80 * MS);
        assertThat(Arrays.stream(samples).average().getAsDouble()).isBetween(48.0 * MS, 52.0 * MS);
        assertThat(d.text()).isEqualTo("uniform:20ms-80ms");
    }

    @Test
    void logNormalHasTheGivenMedianAndARightTail() {
        LatencyDistribution d = LatencyDistribution.parse("--latency", "lognormal:50ms,0.5");
        SplittableRandom random = new SplittableRandom(11);
        long[] samples = new long[20_001];
        Arrays.setAll(samples, i -> d.sampleNanos(random));
        Arrays.sort(samples);
        assertThat(samples[samples.length / 2]).isBetween(47 * MS, 53 * MS);
        // exp(0.5 * 2.326) ~ 3.2 times the median at the 99th percentile
        assertThat(samples[(int) (samples.length * 0.99)]).isBetween(140 * MS, 180 * MS);
        assertThat(samples[0]).isPositive();
    }

    @Test
    void badFormsNameTheOptionAndTheAcceptedForms() {
        for (String bad : new String[] {"fast", "uniform:80ms", "uniform:80ms-20ms", "lognormal:50ms", "lognormal:50ms,x",
            "lognormal:0,0.5", "normal:50ms,1", "-1ms"}) {
            assertThatThrownBy(() -> LatencyDistribution.parse("--ttft", bad))
                    .as(bad)
                    .isInstanceOf(SimulatorOptionsException.class)
                    .hasMessageContaining("--ttft")
                    .hasMessageContaining("'" + bad + "'");
        }
    }
}
