package io.inferencebench.wave;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.jmeter.samplers.SampleResult;
import org.junit.jupiter.api.Test;

import io.inferencebench.outcome.ClientRate;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;

/** The client rate the RESULTS block shows, from hand-made samples: no engine, no clock. */
class ClientRateTest {
    /** A whole second on the wall clock, so the per-second buckets line up with the wave. */
    private static final long T0 = 1_800_000_000_000L;

    @Test
    void aLateCatchUpInsideTheWindowShowsItsShapeBesideTheRate() {
        WaveStatistics stats = new WaveStatistics();
        // 10/s for 4 s, but the first second started 2, the second 8, then 15 and 15 to catch up
        int[] perSecond = {2, 8, 15, 15};
        for (int s = 0; s < perSecond.length; s++) {
            for (int i = 0; i < perSecond[s]; i++) {
                record(stats, T0 + s * 1000L + i * (1000L / perSecond[s]), T0 + (s * 10 + i) * 100L);
            }
        }
        WaveOutcome o = stats.outcome(null, setup(10.0, 4.0));
        ClientRate rate = o.section(ClientRate.SECTION);
        assertThat(o.clientRps()).isEqualTo(10.0);
        assertThat(rate.perSecondMin()).isEqualTo(2);
        assertThat(rate.perSecondMax()).isEqualTo(15);
        assertThat(rate.startsAfterWindow()).isZero();
        assertThat(ResultsBlock.render(o)).contains("Client RPS:       10.0 req/s (target 10.0, 100.0%) | per second 2-15");
    }

    @Test
    void startsAfterTheWindowDoNotCountAsDeliveredAndSaySo() {
        WaveStatistics stats = new WaveStatistics();
        // a 2 s window at 10/s: 5 started in it, 15 more in the two seconds after it
        for (int i = 0; i < 20; i++) {
            long start = i < 5 ? T0 + i * 400L : T0 + 2000L + (i - 5) * 130L;
            record(stats, start, T0 + i * 100L);
        }
        WaveOutcome o = stats.outcome(null, setup(10.0, 2.0));
        ClientRate rate = o.section(ClientRate.SECTION);
        assertThat(rate.startsAfterWindow()).isEqualTo(15);
        assertThat(rate.startsInWindow()).isEqualTo(5);
        assertThat(o.clientRps()).isEqualTo(2.5);
        assertThat(ResultsBlock.render(o)).contains("After the window: 15 requests started after the planned 2.0s");
    }

    @Test
    void aRequestCountBoundsTheWindowAtTheTargetRate() {
        WaveStatistics stats = new WaveStatistics();
        for (int i = 0; i < 30; i++) {
            record(stats, T0 + i * 100L, T0 + i * 100L);
        }
        WaveOutcome o = stats.outcome(null, new WaveSetup("http", "u", 10.0, null, null, null, null, 30L, null, null, null,
                0.95, null));
        assertThat(o.section(ClientRate.SECTION).windowS()).isEqualTo(3.0);
        assertThat(o.clientRps()).isEqualTo(10.0);
        assertThat(o.section(ClientRate.SECTION).seconds()).isEqualTo(3);
    }

    private static WaveSetup setup(double rps, double seconds) {
        return new WaveSetup("http", "u", rps, null, null, null, seconds, null, null, null, null, 0.95, null);
    }

    private static void record(WaveStatistics stats, long startMs, long intendedMs) {
        SampleResult r = SampleResult.createTestSample(startMs, startMs + 50);
        r.setSuccessful(true);
        Map<String, String> fields = Map.of(SampleFields.INTENDED_START_MS, Long.toString(intendedMs),
                SampleFields.LATENESS_MS, Double.toString(Math.max(0, startMs - intendedMs)));
        stats.record(r, fields::get);
    }
}
