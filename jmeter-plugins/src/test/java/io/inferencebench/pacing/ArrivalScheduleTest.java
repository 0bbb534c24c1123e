package io.inferencebench.pacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import io.inferencebench.pacing.ArrivalSchedule.Arrivals;

/** The schedule is checked exactly: no clock, no threads. */
class ArrivalScheduleTest {
    private static final long S = 1_000_000_000L;

    @Test
    void constantRateSpacesArrivalsExactlyAndStopsAtTheDuration() {
        ArrivalSchedule s = ArrivalSchedule.constant(4, new BigDecimal("1"), 0);
        assertThat(s.startNanos(0)).isEqualTo(0);
        assertThat(s.startNanos(1)).isEqualTo(250_000_000L);
        assertThat(s.startNanos(3)).isEqualTo(750_000_000L);
        assertThat(s.startNanos(4)).isEqualTo(ArrivalSchedule.END);
    }

    @Test
    void fractionalRatesKeepSubMillisecondPrecision() {
        ArrivalSchedule s = ArrivalSchedule.constant(3, null, 10);
        assertThat(s.startNanos(1)).isEqualTo(333_333_333L);
        assertThat(s.startNanos(2)).isEqualTo(666_666_666L);
        ArrivalSchedule odd = ArrivalSchedule.constant(0.7, null, 3);
        assertThat(odd.startNanos(1)).isEqualTo(1_428_571_428L);
        assertThat(odd.startNanos(3)).isEqualTo(ArrivalSchedule.END);
    }

    @Test
    void aDayLongScheduleHasTheExactCountAndLastArrival() {
        ArrivalSchedule s = ArrivalSchedule.constant(2000, new BigDecimal("86400"), 0);
        long count = 2000L * 86400;
        assertThat(s.startNanos(count - 1)).isEqualTo(86_399_999_500_000L);
        assertThat(s.startNanos(count)).isEqualTo(ArrivalSchedule.END);

        // 3 req/s does not divide a second into whole nanoseconds: still no drift after a day
        ArrivalSchedule thirds = ArrivalSchedule.constant(3, new BigDecimal("86400"), 0);
        assertThat(thirds.startNanos(259_199)).isEqualTo(86_399_666_666_666L);
        assertThat(thirds.startNanos(259_200)).isEqualTo(ArrivalSchedule.END);

        // a rate with many decimals goes through the wide-arithmetic path and is exact too
        ArrivalSchedule fine = ArrivalSchedule.constant(1234.567, new BigDecimal("86400"), 0);
        long last = 106_666_588L; // ceil(1234.567 * 86400) - 1
        assertThat(fine.startNanos(last)).isEqualTo(new BigDecimal(last).multiply(BigDecimal.valueOf(S))
                .divide(new BigDecimal("1234.567"), 0, java.math.RoundingMode.FLOOR).longValueExact());
        assertThat(fine.startNanos(last + 1)).isEqualTo(ArrivalSchedule.END);
    }

    @Test
    void theCountBoundEndsTheScheduleFirstWhenItComesFirst() {
        ArrivalSchedule s = ArrivalSchedule.constant(100, new BigDecimal("60"), 250);
        assertThat(s.startNanos(249)).isEqualTo(2_490_000_000L);
        assertThat(s.startNanos(250)).isEqualTo(ArrivalSchedule.END);
    }

    @Test
    void aProfileChainsSegmentsAndRampsLinearly() {
        LoadProfile p = LoadProfile.parse("const(10,1) line(10,30,2) const(0,1) step(5,10,5,1)");
        ArrivalSchedule s = ArrivalSchedule.of(p, Arrivals.UNIFORM, 0, null, 0);
        // 10 arrivals in the first second
        assertThat(s.startNanos(9)).isEqualTo(900_000_000L);
        // the ramp: cumulative 10 + 10t + 5t^2 reaches k; arrival 10 opens it at t=1 s
        assertThat(s.startNanos(10)).isEqualTo(S);
        // k = 25 -> 5t^2 + 10t - 15 = 0 -> t = 1 s into the ramp
        assertThat(s.startNanos(25)).isBetween(2 * S - 1, 2 * S + 1);
        // 40 arrivals in the ramp (mean 20/s over 2 s); then a silent second; then 5/s and 10/s steps
        assertThat(s.startNanos(50)).isEqualTo(4 * S);
        assertThat(s.startNanos(55)).isEqualTo(5 * S);
        assertThat(s.startNanos(64)).isEqualTo(5 * S + 900_000_000L);
        assertThat(s.startNanos(65)).isEqualTo(ArrivalSchedule.END);
    }

    @Test
    void poissonArrivalsAreReproducibleFromTheSeedAndKeepTheMeanRate() {
        ArrivalSchedule a = ArrivalSchedule.of(LoadProfile.constant(100), Arrivals.POISSON, 7, null, 100_000);
        ArrivalSchedule b = ArrivalSchedule.of(LoadProfile.constant(100), Arrivals.POISSON, 7, null, 100_000);
        ArrivalSchedule c = ArrivalSchedule.of(LoadProfile.constant(100), Arrivals.POISSON, 8, null, 100_000);
        assertThat(a.startNanos(5)).isEqualTo(b.startNanos(5));
        assertThat(a.startNanos(5)).isNotEqualTo(c.startNanos(5));
        long last = a.startNanos(99_999);
        assertThat(last / 1e9).isCloseTo(1000, org.assertj.core.data.Offset.offset(15.0));
        // asking again from the start replays the same points
        assertThat(a.startNanos(5)).isEqualTo(b.startNanos(5));
        long previous = -1;
        for (int k = 0; k < 1000; k++) {
            long t = b.startNanos(k);
            assertThat(t).isGreaterThan(previous);
            previous = t;
        }
    }

    @Test
    void anEndlessScheduleIsRefused() {
        assertThatThrownBy(() -> ArrivalSchedule.constant(5, null, 0))
                // the core names the timer's fields as its GUI shows them, never a command-line flag
                .hasMessageContaining("'Duration (s)'").hasMessageContaining("'Number of requests'")
                .hasMessageNotContaining("--");
    }

    @Test
    void loadProfileErrorsNameTheClauseAndItsPosition() {
        assertThatThrownBy(() -> LoadProfile.parse("const(10,5) line(10,x,5)"))
                .hasMessageContaining("clause 2 'line(10,x,5)'").hasMessageContaining("character 13");
        assertThatThrownBy(() -> LoadProfile.parse("const(10,5) ramp(1,2,3)"))
                .hasMessageContaining("'ramp(1,2,3)'").hasMessageContaining("not a known clause");
        assertThatThrownBy(() -> LoadProfile.parse("const(10)"))
                .hasMessageContaining("const(R,T)");
        assertThatThrownBy(() -> LoadProfile.parse("const(10,5) oops"))
                .hasMessageContaining("character 13");
        assertThatThrownBy(() -> LoadProfile.parse("const(-1,5)")).hasMessageContaining("negative rate");
        assertThatThrownBy(() -> LoadProfile.parse("const(1,-5)")).hasMessageContaining("negative duration");
        assertThatThrownBy(() -> LoadProfile.constant(0)).hasMessageContaining("greater than 0");
    }

    @Test
    void profileDurationsAcceptUnitsAndTheEngineShareDividesRates() {
        LoadProfile p = LoadProfile.parse("const(10,1m) line(10,20,500ms)");
        assertThat(p.seconds()).isEqualByComparingTo("60.5");
        LoadProfile half = p.perEngine(2);
        assertThat(half.segments().get(0).startRate()).isEqualByComparingTo("5");
        ArrivalSchedule s = ArrivalSchedule.of(LoadProfile.constant(10).perEngine(4), Arrivals.UNIFORM, 0,
                new BigDecimal("2"), 0);
        assertThat(s.startNanos(1)).isEqualTo(400_000_000L);
        assertThat(s.startNanos(5)).isEqualTo(ArrivalSchedule.END);
    }

    @Test
    void latePolicyParsesFireAndDrop() {
        assertThat(LatePolicy.parse("fire").drop()).isFalse();
        assertThat(LatePolicy.parse("drop:250").limitNanos()).isEqualTo(250_000_000L);
        assertThatThrownBy(() -> LatePolicy.parse("skip")).hasMessageContaining("drop:MS");
    }
    @Test
    void durationsBeyondThirtyDaysAreNamedNotOverflowed() {
        assertThatThrownBy(() -> LoadProfile.parse("const(10,1e300)"))
                .isInstanceOf(LoadProfileException.class)
                .hasMessageContaining("clause 1 'const(10,1e300)'").hasMessageContaining("1E+300 s")
                .hasMessageContaining("30 days (2592000 s)");
        assertThatThrownBy(() -> LoadProfile.parse("const(10,20d) const(10,20d)"))
                .hasMessageContaining("lasts 3456000 s").hasMessageContaining("shorten its clauses");
        assertThatThrownBy(() -> ArrivalSchedule.constant(10, new BigDecimal("1e300"), 0))
                .isInstanceOf(LoadProfileException.class).hasMessageContaining("1E+300 s");
        // exactly 30 days is allowed
        assertThat(ArrivalSchedule.constant(10, ArrivalSchedule.MAX_SECONDS, 0).startNanos(0)).isZero();
        assertThat(LoadProfile.parse("const(10,30d)").seconds()).isEqualByComparingTo(ArrivalSchedule.MAX_SECONDS);
    }

    @Test
    void absurdRatesAndStepCountsAreNamed() {
        assertThatThrownBy(() -> LoadProfile.parse("const(1e300,10)"))
                .hasMessageContaining("rate of 1E+300 requests per second").hasMessageContaining("10000000");
        assertThatThrownBy(() -> LoadProfile.constant(1e300)).isInstanceOf(LoadProfileException.class)
                .hasMessageContaining("give a lower rate");
        assertThatThrownBy(() -> LoadProfile.parse("step(0,1000000,0.001,1)"))
                .hasMessageContaining("more than 100000 steps");
    }

    @Test
    void aProfileOrBoundsThatStartNoRequestAreRefused() {
        assertThatThrownBy(() -> ArrivalSchedule.of(LoadProfile.parse("const(10,0)"), Arrivals.UNIFORM, 0, null, 0))
                .isInstanceOf(LoadProfileException.class)
                .hasMessage("The load profile 'const(10,0)' starts no request: give it a clause with a rate above 0 "
                        + "that lasts more than 0 s, e.g. const(10,60).");
        assertThatThrownBy(() -> ArrivalSchedule.of(LoadProfile.parse("const(0,10) const(5,10)"), Arrivals.UNIFORM, 0,
                new BigDecimal("5"), 0))
                .hasMessageContaining("starts no request within the duration of 5 s")
                .hasMessageContaining("begins within the duration");
        // the first request at 10 s is within an 11 s bound
        assertThat(ArrivalSchedule.of(LoadProfile.parse("const(0,10) const(5,10)"), Arrivals.UNIFORM, 0,
                new BigDecimal("11"), 0).startNanos(0)).isEqualTo(10 * S);
    }

    @Test
    void theTimerNamesItsDurationProperty() {
        ConstantRpsTimer t = new ConstantRpsTimer();
        t.setDurationSeconds("1e300");
        assertThatThrownBy(t::validate).isInstanceOf(LoadProfileException.class)
                .hasMessageStartingWith("'Duration (s)' of the Constant RPS Timer is 1E+300 s")
                .hasMessageContaining("30 days");
        t.setDurationSeconds("soon");
        assertThatThrownBy(t::validate).hasMessageStartingWith("'Duration (s)' of the Constant RPS Timer is 'soon'");
        t.setDurationSeconds("60");
        t.setLoadProfile("const(10,0)");
        assertThatThrownBy(t::validate).hasMessageContaining("starts no request");
    }
}
