package io.inferencebench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The "highest rate held" the goals compare with Gatling's, on synthetic starts (no clocks, no threads). */
class HighestRateHeldTest {
    private static final URI URL = URI.create("http://127.0.0.1:1/invocations");
    /** A cold first second 10% short, caught up over the next four: every start due is in the window. */
    private static final long[] COLD_1000 = {900, 1025, 1025, 1025, 1025, 1000, 1000, 1000, 1000, 1000};

    @Test
    void aRateIsHeldWithNinetyNinePercentOfItsStartsAndAnEvenSpread() {
        List<PacingRun> runs = List.of(
                run(Mechanism.OURS, 500, even(500)),
                run(Mechanism.OURS, 2000, even(1000)), // half the rate: not held
                run(Mechanism.OURS, 1000, COLD_1000),  // uneven: not held
                run(Mechanism.GATLING, 500, even(500)),
                run(Mechanism.GATLING, 2000, even(1990)));

        assertThat(PacingReportWriter.highestHeld(runs, Mechanism.OURS, 0)).isEqualTo(500);
        assertThat(PacingReportWriter.highestHeld(runs, Mechanism.GATLING, 0)).isEqualTo(2000);
        assertThat(PacingReportWriter.highestHeld(runs, Mechanism.OPEN_MODEL, 0)).isZero();
    }

    @Test
    void leavingTheColdFirstSecondOutJudgesTheSpreadOfTheRest() {
        PacingRun cold = run(Mechanism.OURS, 1000, COLD_1000);

        assertThat(cold.statistics().achievedRatio()).isEqualTo(1.0);
        assertThat(cold.statistics().perSecondCv()).isGreaterThan(0.03);
        assertThat(PacingReportWriter.highestHeld(List.of(cold), Mechanism.OURS, 0)).isZero();
        assertThat(PacingReportWriter.highestHeld(List.of(cold), Mechanism.OURS, 1)).isEqualTo(1000);
    }

    static long[] even(long perSecond) {
        long[] c = new long[10];
        Arrays.fill(c, perSecond);
        return c;
    }

    /** A 10 s run at {@code rate} whose starts fall evenly inside each second, {@code perSecond[i]} in second i. */
    static PacingRun run(Mechanism m, double rate, long[] perSecond) {
        return run(m, rate, perSecond, 0);
    }

    /** The same, with {@code cpuNanos} of client CPU. */
    static PacingRun run(Mechanism m, double rate, long[] perSecond, long cpuNanos) {
        int n = (int) Arrays.stream(perSecond).sum();
        long[] starts = new long[n];
        int k = 0;
        for (int s = 0; s < perSecond.length; s++) {
            for (int j = 0; j < perSecond[s]; j++) {
                starts[k++] = s * 1_000_000_000L + j * 1_000_000_000L / perSecond[s];
            }
        }
        return new PacingRun(m, new Mechanism.Load(URL, rate, 10), Samples.ofStarts(starts), n, n, cpuNanos, 0, null, "", null);
    }
}
