package io.inferencebench.cli.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.inferencebench.cli.search.SearchPolicy.Decision;
import io.inferencebench.cli.search.SearchPolicy.Found;
import io.inferencebench.cli.search.SearchPolicy.MaxSustained;
import io.inferencebench.cli.search.SearchPolicy.Probe;
import io.inferencebench.cli.search.SearchPolicy.StartFails;
import io.inferencebench.cli.search.SearchPolicy.Step;

class SearchPolicyTest {
    private final SearchPolicy policy = new SearchPolicy(10, 1000, 0.05);

    private static Step pass(double rate) {
        return new Step(rate, true, rate);
    }

    private static Step fail(double rate, double achieved) {
        return new Step(rate, false, achieved);
    }

    @Test
    void startsAtTheStartRateAndDoublesWhileStepsPass() {
        assertThat(policy.next(List.of())).isEqualTo(new Probe(10, "start"));
        assertThat(policy.next(List.of(pass(10)))).isEqualTo(new Probe(20, "ramp"));
        assertThat(policy.next(List.of(pass(10), pass(20), pass(40)))).isEqualTo(new Probe(80, "ramp"));
    }

    @Test
    void theRampStopsAtTheMaximumAndAPassThereEndsTheSearch() {
        List<Step> steps = new ArrayList<>(List.of(pass(10), pass(20), pass(40), pass(80), pass(160), pass(320), pass(640)));
        assertThat(policy.next(steps)).isEqualTo(new Probe(1000, "ramp"));
        steps.add(pass(1000));
        assertThat(policy.next(steps)).isEqualTo(new MaxSustained(1000));
    }

    @Test
    void aFailingStartRateEndsTheSearchEarly() {
        assertThat(policy.next(List.of(fail(10, 10)))).isEqualTo(new StartFails(10));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // steps (rate:pass|fail@achieved)          | next decision
            "10:p 20:p 40:f@40                          | probe 28.28 bisect",
            "10:p 20:p 40:f@25                          | probe 25 at the throughput the server reached",
            "10:p 20:p 40:f@25 25:p                     | probe 26.25 one precision above the highest sustained rate",
            "10:p 20:p 40:f@25 25:p 26.25:f@26          | found 25 26.25",
            "10:p 20:p 40:f@25 25:p 26.25:p             | probe 27.56 one precision above the highest sustained rate",
            "10:p 20:p 40:f@25 25:p 26.25:p 27.56:p     | probe 33.2 bisect",
            "10:p~0.1 20:p~0.2 40:f@25~3 25:p~0.5 26.25:p~0.6 27.56:p~0.7 | probe 29.18 where the limit is crossed, interpolated",
            "10:p 20:p 40:f@25 25:f@24.9                | probe 23.81 one precision below the lowest failed rate",
            "25:p 50:p 100:p 200:f@92.3                 | probe 105 one precision above the highest sustained rate",
            "10:p 20:p 40:f@40 28.28:f@28.28 23.78:p    | probe 25.93 bisect",
            "10:p~0.5 20:p~0.6 40:f@40~1.4              | probe 30 where the limit is crossed, interpolated",
            "10:p~0.5 20:p~0.6 40:f@40~1.4 30:p~0.95    | probe 31.5 one precision above the highest sustained rate",
            "10:p~0.5 20:p~0.6 40:f@40~1.4 30:f@30~1.1  | probe 28.58 one precision below the lowest failed rate",
            "10:p~0.5 20:p~0.6 40:f@40~1.4 30:f@30~1.1 28.58:p~0.9 | found 28.58 30",
            "100:p 104:f@104                            | found 100 104",
            "100:p 106:f@106                            | probe 103 bisect"})
    void narrowsTheBracketToThePrecision(String history, String expected) {
        List<Step> steps = new ArrayList<>();
        for (String s : history.trim().split("\\s+")) {
            // rate:p or rate:f@achieved, then ~severity when known
            String[] parts = s.split("~");
            Double severity = parts.length > 1 ? Double.parseDouble(parts[1]) : null;
            String[] rate = parts[0].split(":");
            double r = Double.parseDouble(rate[0]);
            steps.add(rate[1].equals("p") ? new Step(r, true, r, severity)
                    : new Step(r, false, Double.parseDouble(rate[1].substring(2)), severity));
        }
        Decision d = policy.next(steps);
        String[] e = expected.trim().split(" ", 3);
        if (e[0].equals("probe")) {
            assertThat(d).isEqualTo(new Probe(Double.parseDouble(e[1]), e[2]));
        } else {
            assertThat(d).isEqualTo(new Found(Double.parseDouble(e[1]), Double.parseDouble(e[2])));
        }
    }

    /**
     * Against a server whose throughput is {@code ceiling} (passes at or below it, completes at most that
     * much above it), from several starts: the answer is within the precision below the ceiling, and the
     * throughput shortcut takes fewer waves than bisection alone would.
     */
    @ParameterizedTest(name = "ceiling {0} from {1}")
    @CsvSource({"100, 10", "100, 25", "137, 10", "7.3, 1", "5000, 10"})
    void findsTheCeilingWithinThePrecisionInFewWaves(double ceiling, double start) {
        SearchPolicy p = new SearchPolicy(start, 100_000, 0.05);
        List<Step> steps = new ArrayList<>();
        Decision d;
        while ((d = p.next(steps)) instanceof Probe probe) {
            double rate = probe.rate();
            steps.add(new Step(rate, rate <= ceiling, Math.min(rate, ceiling)));
            assertThat(steps).hasSizeLessThan(30);
        }
        Found found = (Found) d;
        assertThat(found.rate()).isLessThanOrEqualTo(ceiling).isGreaterThanOrEqualTo(ceiling / 1.05);
        assertThat(found.failedRate()).isGreaterThan(ceiling);
        int ramp = (int) Math.ceil(Math.log(ceiling / start) / Math.log(2)) + 1;
        double overshoot = start * Math.pow(2, ramp - 1) / ceiling;
        // a ramp step well above the ceiling measured the throughput: two waves close the bracket; one just
        // above it did not, and bisecting a factor of 2 to 5% takes four
        int narrowing = overshoot > 1 / 0.95 ? 2 : 4;
        assertThat(steps.size()).as("ramp %d waves, then at most %d", ramp, narrowing)
                .isLessThanOrEqualTo(ramp + narrowing);
    }

    /**
     * A latency limit that binds below the throughput, its severity growing as the fourth power of the
     * rate (a knee): the estimates interpolated between the bracket's ends take no more waves than bisection.
     */
    @Test
    void aKneeIsFoundByInterpolatingTheSeverity() {
        double limit = 61;
        List<Step> steps = new ArrayList<>();
        Decision d;
        while ((d = policy.next(steps)) instanceof Probe probe) {
            double r = probe.rate();
            steps.add(new Step(r, r <= limit, r, Math.pow(r / limit, 4)));
        }
        assertThat(((Found) d).rate()).isBetween(limit / 1.05, limit);
        assertThat(steps).hasSizeLessThanOrEqualTo(8);
    }

    /** A latency limit that binds below the throughput: the failed steps kept up, so plain bisection. */
    @Test
    void aLimitBelowTheThroughputIsFoundByBisection() {
        double limit = 61;
        List<Step> steps = new ArrayList<>();
        Decision d;
        while ((d = policy.next(steps)) instanceof Probe probe) {
            steps.add(new Step(probe.rate(), probe.rate() <= limit, probe.rate()));
        }
        assertThat(((Found) d).rate()).isBetween(limit / 1.05, limit);
        assertThat(steps).hasSizeLessThanOrEqualTo(4 + 4);
    }
}
