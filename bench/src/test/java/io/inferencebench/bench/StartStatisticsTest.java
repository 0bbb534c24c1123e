package io.inferencebench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class StartStatisticsTest {
    private static final long T0 = 5_000_000_000L; // an arbitrary nanoTime origin
    private static final long SECOND = 1_000_000_000L;

    /** Starts exactly on a uniform schedule of {@code rate} per second for {@code n} starts. */
    private static long[] uniform(double rate, int n) {
        long[] s = new long[n];
        for (int k = 0; k < n; k++) {
            s[k] = T0 + Math.round(k * 1e9 / rate);
        }
        return s;
    }

    @Test
    void aScheduleKeptExactlyIsOnTargetWithEvenSecondsAndNoLateness() {
        StartStatistics stats = new StartStatistics(Samples.ofStarts(uniform(500, 10_000)), 500, 20);

        assertThat(stats.due()).isEqualTo(10_000);
        assertThat(stats.achievedRatio()).isEqualTo(1.0);
        assertThat(stats.perSecondCounts()).hasSize(20).containsOnly(500L);
        assertThat(stats.perSecondCv()).isZero();
        assertThat(stats.perSecondMinMedianMax()).containsExactly(500, 500, 500);
        StartStatistics.Lateness late = stats.lateness();
        assertThat(late.p50Ms()).isZero();
        assertThat(late.p99Ms()).isZero();
        assertThat(late.maxMs()).isZero();
        assertThat(late.count()).isEqualTo(10_000);
    }

    @Test
    void startsAfterTheWindowDoNotCountAsAchieved() {
        // 12,000 starts at 500/s last 24 s: only the first 20 s (10,000) are in the window
        StartStatistics stats = new StartStatistics(Samples.ofStarts(uniform(500, 12_000)), 500, 20);

        assertThat(stats.startsInWindow()).isEqualTo(10_000);
        assertThat(stats.achievedRatio()).isEqualTo(1.0);
    }

    @Test
    void aMechanismRunningTwoPercentFastOvershootsAndStartsEarly() {
        StartStatistics stats = new StartStatistics(Samples.ofStarts(uniform(510, 10_200)), 500, 20);

        assertThat(stats.achievedRatio()).isEqualTo(1.02);
        StartStatistics.Lateness late = stats.lateness();
        // start k is at k/510 s, due at k/500 s: the last one due (k = 9,999) is 392 ms early
        assertThat(late.earliestMs()).isCloseTo(-9_999 * (1000.0 / 500 - 1000.0 / 510), within(0.01));
        assertThat(late.maxMs()).isZero(); // the first start is the anchor
        assertThat(late.p50Ms()).isNegative();
    }

    @Test
    void perSecondCountsBucketFullSecondsFromTheFirstStart() {
        List<Long> starts = new ArrayList<>();
        int[] perSecond = {8, 12, 10};
        for (int sec = 0; sec < perSecond.length; sec++) {
            for (int i = 0; i < perSecond[sec]; i++) {
                starts.add(T0 + sec * SECOND + i * (SECOND / perSecond[sec]));
            }
        }
        starts.add(T0 + 3 * SECOND); // the first instant after the window: not counted
        Collections.shuffle(starts, new java.util.Random(7));

        StartStatistics stats = new StartStatistics(
                Samples.ofStarts(starts.stream().mapToLong(Long::longValue).toArray()), 10, 3);

        assertThat(stats.perSecondCounts()).containsExactly(8, 12, 10);
        assertThat(stats.perSecondMinMedianMax()).containsExactly(8, 10, 12);
        // mean 10, deviations -2, +2, 0: population sd sqrt(8/3)
        assertThat(stats.perSecondCv()).isCloseTo(Math.sqrt(8.0 / 3) / 10, within(1e-12));
        assertThat(stats.startsInWindow()).isEqualTo(30);
        assertThat(stats.achievedRatio()).isEqualTo(1.0);
    }

    @Test
    void latenessComparesTheKthStartInTimeOrderWithTheKthIdealArrival() {
        // 100/s for 2 s: the first 100 on time, the rest 5 ms late, and start 150 40 ms late, so it
        // comes after starts 151..153: in time order, slots 150..152 are 15 ms late and slot 153 10 ms
        long[] s = uniform(100, 200);
        for (int k = 100; k < 200; k++) {
            s[k] += 5_000_000L;
        }
        s[150] += 35_000_000L;
        StartStatistics stats = new StartStatistics(Samples.ofStarts(s), 100, 2);

        StartStatistics.Lateness late = stats.lateness();
        assertThat(late.p50Ms()).isZero();
        // nearest rank: p99 of 200 values is the 198th smallest: 100 x 0, 96 x 5, 1 x 10, then 15
        assertThat(late.p99Ms()).isEqualTo(15.0);
        assertThat(late.maxMs()).isEqualTo(15.0);
        assertThat(late.earliestMs()).isZero();
        assertThat(stats.achievedRatio()).isEqualTo(1.0);
    }

    @Test
    void aMechanismThatFallsBehindMissesTheCountInTheWindow() {
        // 1,000/s wanted, 800/s delivered for 10 s
        StartStatistics stats = new StartStatistics(Samples.ofStarts(uniform(800, 8_000)), 1000, 10);

        assertThat(stats.achievedRatio()).isEqualTo(0.8);
        assertThat(stats.lateness().count()).isEqualTo(8_000);
        // start 7,999 at 9.99875 s, due at 7.999 s
        assertThat(stats.lateness().maxMs()).isCloseTo(9_998.75 - 7_999, within(1e-6));
    }

    @Test
    void startsBetweenCountsAHalfOpenInterval() {
        StartStatistics stats = new StartStatistics(Samples.ofStarts(uniform(10, 30)), 10, 3);

        // arrivals every 100 ms: [t0 + 1 s, t0 + 1.5 s) holds 1.0, 1.1, ..., 1.4
        assertThat(stats.startsBetween(T0 + SECOND, T0 + SECOND + SECOND / 2)).isEqualTo(5);
        assertThat(stats.startsBetween(T0 - SECOND, T0)).isZero();
    }

    @Test
    void latencyFromTheIdealStartShowsAStallEvenWhenServiceTimeLooksFine() {
        // 10/s: sample k is due at k x 100 ms; the mechanism started sample 5 two seconds late
        long[] starts = uniform(10, 10);
        long[] ends = new long[10];
        for (int k = 0; k < 10; k++) {
            ends[k] = starts[k] + 50_000_000L;
        }
        starts[5] += 2 * SECOND;
        ends[5] += 2 * SECOND;
        StartStatistics stats = new StartStatistics(new Samples(starts, ends, null), 10, 1);

        assertThat(stats.maxServiceMs()).isEqualTo(50.0);
        // once sorted, the delayed sample is the last start (k = 9, due at 900 ms): 2,500 + 50 - 900
        assertThat(stats.maxLatencyFromIdealMs()).isEqualTo(1_650.0);
        assertThat(stats.maxLatencyFromIntendedMs()).isNaN();
    }

    @Test
    void theLongestCompletionGapIsWhereTheServerStoppedAnswering() {
        long[] starts = uniform(10, 6);
        long[] ends = {T0 + 50, T0 + 100, T0 + 3 * SECOND, T0 + 200, T0 + 3 * SECOND + 10, 0};
        StartStatistics stats = new StartStatistics(new Samples(starts, ends, null), 10, 1);

        assertThat(stats.longestCompletionGap()).containsExactly(T0 + 200, T0 + 3 * SECOND);
    }

    @Test
    void samplesAreOrderedByStartWithTheirEndsAndLatencies() {
        Samples s = new Samples(new long[] {30, 10, 20}, new long[] {35, 15, 25}, new long[] {3, 1, 2});

        assertThat(new long[] {s.start(0), s.start(1), s.start(2)}).containsExactly(10, 20, 30);
        assertThat(new long[] {s.end(0), s.end(1), s.end(2)}).containsExactly(15, 25, 35);
        assertThat(new long[] {s.latencyFromIntended(0), s.latencyFromIntended(2)}).containsExactly(1, 3);
        assertThat(new StartStatistics(s, 1, 1).maxLatencyFromIntendedMs()).isEqualTo(3e-6);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(StartStatistics.median(new long[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(StartStatistics.median(new long[] {5, 1, 3})).isEqualTo(3.0);
    }
}
