package io.inferencebench.wave;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.jmeter.samplers.SampleResult;
import org.junit.jupiter.api.Test;

import io.inferencebench.outcome.WarmUp;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;

/** A wave's warm-up ({@code ib_warmup=1} samples) is kept apart from its figures: hand-made samples, no engine. */
class WarmUpStatisticsTest {
    private static final long T0 = 1_800_000_000_000L;

    @Test
    void warmUpSamplesAreCountedInTheirSectionAndInNoFigure() {
        WaveStatistics stats = new WaveStatistics();
        // 1 s of warm-up at 10/s with slow, failing answers (a cold server), then 2 s counted at 10/s, 50 ms each
        for (int i = 0; i < 10; i++) {
            record(stats, T0 + i * 100L, 900, false, true);
        }
        for (int i = 0; i < 20; i++) {
            record(stats, T0 + 1000L + i * 100L, 50, true, false);
        }
        WaveOutcome o = stats.outcome(null, new WaveSetup("http", "u", 10.0, null, null, null, 2.0, null, null, null,
                null, 0.95, null));
        assertThat(o.fired()).isEqualTo(20);
        assertThat(o.successRate()).isEqualTo(1.0);
        assertThat(o.latencyMs().max()).isLessThan(51.0);
        assertThat(o.waveStartEpochMs()).as("the counted part's first intended start").isEqualTo(T0 + 1000L);
        assertThat(o.clientRps()).isEqualTo(10.0);
        assertThat(o.errors()).isEmpty();
        assertThat(o.section(WarmUp.SECTION)).isEqualTo(new WarmUp(10, T0));
    }

    @Test
    void aWaveWithoutWarmUpHasNoSuchSection() {
        WaveStatistics stats = new WaveStatistics();
        record(stats, T0, 50, true, false);
        assertThat(stats.outcome(null, new WaveSetup("http", "u", 10.0, null, null, null, 1.0, null, null, null, null,
                0.95, null)).section(WarmUp.SECTION)).isNull();
    }

    private static void record(WaveStatistics stats, long startMs, long elapsedMs, boolean ok, boolean warmUp) {
        SampleResult r = SampleResult.createTestSample(startMs, startMs + elapsedMs);
        r.setSuccessful(ok);
        Map<String, String> fields = Map.of(SampleFields.INTENDED_START_MS, Long.toString(startMs),
                SampleFields.LATENESS_MS, "0", SampleFields.WARM_UP, warmUp ? "1" : "");
        stats.record(r, fields::get);
    }
}
