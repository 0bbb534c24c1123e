package io.inferencebench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The report of a repeated run: every round a row, the CPU goal judged on the rounds' medians. */
class PacingReportWriterTest {

    @Test
    void repeatedRoundsAreListedAndTheCpuGoalComparesTheirMedians() {
        PacingOptions options = PacingOptions.parse("--repeat", "3", "--rates", "500", "--mechanisms", "ours,ptt,gatling",
                "--no-stall");
        List<PacingRun> runs = new ArrayList<>();
        // CPU per 1,000 requests, by round: ours 300, 200, 210; PTT 150, 250, 260. One round alone would say
        // "missed" (300 against 150) or "met" (200 against 250); the medians say 210 against 250
        long[] ours = {300, 200, 210};
        long[] ptt = {150, 250, 260};
        for (int round = 0; round < 3; round++) {
            runs.add(HighestRateHeldTest.run(Mechanism.OURS, 500, HighestRateHeldTest.even(500), ours[round] * 5_000_000L));
            runs.add(HighestRateHeldTest.run(Mechanism.PRECISE, 500, HighestRateHeldTest.even(500), ptt[round] * 5_000_000L));
            // Gatling's lower CPU is its own row's figure: the goal is JMeter's mechanisms
            runs.add(HighestRateHeldTest.run(Mechanism.GATLING, 500, HighestRateHeldTest.even(500), 100 * 5_000_000L));
        }
        String report = new PacingReportWriter(options, LocalDateTime.of(2026, 12, 5, 23, 0), "0.1", "0.2")
                .render(runs, List.of());

        assertThat(report).contains("3 rounds per rate")
                .contains("| Constant RPS Timer (ours) #1 |").contains("| Constant RPS Timer (ours) #3 |")
                .contains("| Precise Throughput Timer #2 |")
                .contains("median of the rounds (lowest-highest): Constant RPS Timer (ours) 210 (200-300); "
                        + "Precise Throughput Timer 250 (150-260); Gatling 3.11.5 open model (own JVM) 100 (100-100).")
                .contains("- 500/s CPU (medians of 3 rounds) 210 ms per 1,000 against 250 for the best JMeter row "
                        + "(Precise Throughput Timer): met.");
        // the per-run goal lines no longer judge the CPU one round at a time
        assertThat(report.lines().filter(l -> l.startsWith("- 500/s: achieved"))).hasSize(3)
                .noneMatch(l -> l.contains("CPU"));
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(PacingReportWriter.median(new double[] {1, 2, 4, 10})).isEqualTo(3);
        assertThat(PacingReportWriter.median(new double[] {7})).isEqualTo(7);
        assertThat(PacingReportWriter.median(new double[0])).isNaN();
    }
}
