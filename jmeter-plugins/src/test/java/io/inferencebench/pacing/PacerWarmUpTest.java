package io.inferencebench.pacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The schedule's first arrivals as a warm-up: handed out like the rest, marked, and left out of the report. */
class PacerWarmUpTest {
    @AfterEach
    void forget() {
        Pacer.reset();
    }

    @Test
    void warmUpStartsAreMarkedAndTheReportCountsOnlyTheRest() {
        // 50/s for 1 s, of which the first 0.4 s is the warm-up: 20 arrivals, then 30 counted
        ArrivalSchedule schedule = ArrivalSchedule.of(LoadProfile.constant(50), ArrivalSchedule.Arrivals.UNIFORM, 0,
                BigDecimal.ONE, 0);
        java.util.List<Pacer.Start> starts = new java.util.ArrayList<>(64);
        assertThat(starts).isEmpty(); // the assertions' classes load before the schedule begins, not during it
        Pacer pacer = Pacer.forKey("warm-up-test", () -> new Pacer(schedule, LatePolicy.parse("fire"), 10,
                LoadProfile.constant(50), null, null, 400_000_000L));
        for (Pacer.Start s; (s = pacer.awaitNextStart()) != null; ) {
            starts.add(s);
        }
        long warmUps = starts.stream().filter(Pacer.Start::warmUp).count();
        java.util.List<Pacer.Start> counted = starts.stream().filter(s -> !s.warmUp()).toList();
        assertThat(starts.subList(0, (int) warmUps)).as("the warm-up comes first").allMatch(Pacer.Start::warmUp);
        PacingReport report = pacer.snapshot();
        assertThat(warmUps).isEqualTo(20);
        // on a busy machine the last start may come past the window and be dropped: counted, not lost
        assertThat(report.started() + report.droppedStarts()).isEqualTo(30);
        assertThat(report.started()).isEqualTo(counted.size());
        assertThat(Pacer.started()).isEqualTo(counted.size());
        assertThat(report.windowS()).isCloseTo(0.6, within(1e-9));
        assertThat(report.firstStartEpochMs()).isEqualTo(counted.get(0).intendedEpochMicros() / 1000);
        assertThat(Pacer.originEpochMs()).isEqualTo(report.firstStartEpochMs());
    }
}
