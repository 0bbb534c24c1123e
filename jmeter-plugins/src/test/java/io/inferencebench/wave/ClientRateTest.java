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

        WaveStatistics oneLate = new WaveStatistics();
        for (int i = 0; i < 20; i++) {
            record(oneLate, i < 19 ? T0 + i * 100L : T0 + 2100L, T0 + i * 100L);
        }
        assertThat(ResultsBlock.render(oneLate.outcome(null, setup(10.0, 2.0))))
                .contains("After the window: 1 request started after the planned 2.0s");
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

    @Test
    void lateStartsAreCountedByWhenTheyCameInTheWindow() {
        WaveStatistics stats = new WaveStatistics();
        // 10/s for 8 s: the first 2 s start 40 ms late (a cold JVM), then 1 in 10 starts 5 ms late (a busy
        // scheduler) and 1 in 20 of them 20 ms late
        for (int i = 0; i < 80; i++) {
            long intended = T0 + i * 100L;
            record(stats, intended + (i < 20 ? 40 : i % 20 == 0 ? 20 : i % 10 == 0 ? 5 : 0), intended);
        }
        WaveOutcome o = stats.outcome(null, setup(10.0, 8.0));
        ClientRate rate = o.section(ClientRate.SECTION);
        assertThat(rate.lateOver10ms()).isEqualTo(23); // 20, then the 20 ms ones at 2.0, 4.0 and 6.0 s
        assertThat(rate.lateOver10msEarly()).isEqualTo(21); // 20 in the first two seconds, 1 in the third
        assertThat(o.lateStarts()).isEqualTo(26);
        assertThat(ResultsBlock.render(o)).contains("Late starts:      26 | dropped: 0 | lateness p99 40.03 ms, "
                + "max 40.03 ms | over 10 ms: 23, 21 of them in the first 3 s");

        // an unpaced wave (no lateness with its samples) has no late starts to place
        WaveStatistics unpaced = new WaveStatistics();
        for (int i = 0; i < 30; i++) {
            SampleResult r = SampleResult.createTestSample(T0 + i * 100L, T0 + i * 100L + 50);
            r.setSuccessful(true);
            unpaced.record(r, k -> null);
        }
        ClientRate none = unpaced.outcome(null, setup(10.0, 3.0)).section(ClientRate.SECTION);
        assertThat(none.lateOver10ms()).isNull();
        assertThat(none.lateOver10msEarly()).isNull();
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
