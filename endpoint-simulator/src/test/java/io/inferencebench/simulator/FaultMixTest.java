package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferencebench.simulator.FaultMix.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FaultMixTest {

    private static List<Fault> picks(FaultMix mix, long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            faults.add(mix.pick(random.split()));
        }
        return faults;
    }

    @Test
    void eachFaultTakesItsFractionOfRequestsAndTheRestAreAnswered() {
        FaultMix mix = FaultMix.parse("--fault", "reset=0.1,half=0.05,close=0.2,slow=0.15:30s");
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        int none = 0;
        for (Fault f : picks(mix, 1, 20_000)) {
            if (f == null) {
                none++;
            } else {
                counts.merge(f, 1, Integer::sum);
            }
        }
        assertThat(counts.get(Fault.RESET)).isBetween(1_800, 2_200);
        assertThat(counts.get(Fault.HALF)).isBetween(850, 1_150);
        assertThat(counts.get(Fault.CLOSE)).isBetween(3_700, 4_300);
        assertThat(counts.get(Fault.SLOW)).isBetween(2_700, 3_300);
        assertThat(none).isBetween(9_500, 10_500);
        assertThat(mix.slowDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(mix.text()).isEqualTo("reset=0.1,half=0.05,close=0.2,slow=0.15:30s");
    }

    @Test
    void theSameSeedPicksTheSameFaultsForTheSameRequests() {
        FaultMix mix = FaultMix.parse("--fault", "reset=0.25,close=0.25");
        assertThat(picks(mix, 7, 200)).isEqualTo(picks(mix, 7, 200)).isNotEqualTo(picks(mix, 8, 200));
        assertThat(picks(FaultMix.parse("--fault", "half=1"), 7, 50)).containsOnly(Fault.HALF);
    }

    @Test
    void noFaultsDrawNothing() {
        assertThat(FaultMix.none().any()).isFalse();
        assertThat(FaultMix.none().pick(null)).isNull();
        assertThat(FaultMix.none().text()).isEqualTo("none");
        assertThat(FaultMix.parse("--fault", "reset=0").any()).isFalse();
    }

    @Test
    void badValuesAreOneSentenceNamingTheFix() {
        assertThatThrownBy(() -> FaultMix.parse("--fault", "drop=0.1"))
                .isInstanceOf(SimulatorOptionsException.class)
                .hasMessage("Option --fault has the unknown fault 'drop': write kind=fraction pairs from reset, half, close "
                        + "and slow (slow with a delay), e.g. reset=0.01,half=0.01,close=0.01,slow=0.01:30s, fractions "
                        + "adding up to at most 1.");
        assertThatThrownBy(() -> FaultMix.parse("--fault", "reset=2"))
                .hasMessage("Option --fault has the bad value 'reset=2': write a fraction from 0 to 1, e.g. reset=0.01 for 1% of requests.");
        assertThatThrownBy(() -> FaultMix.parse("--fault", "slow=0.1"))
                .hasMessage("Option --fault has the bad value 'slow=0.1': give the slow answers' extra delay after the "
                        + "fraction, e.g. slow=0.01:30s.");
        assertThatThrownBy(() -> FaultMix.parse("--fault", "slow=0.1:soon")).hasMessageStartingWith("Option --fault slow has the bad value 'soon'");
        assertThatThrownBy(() -> FaultMix.parse("--fault", "reset=0.6,close=0.6"))
                .hasMessage("Option --fault has the bad value 'reset=0.6,close=0.6': its fractions add up to 1.2, more than "
                        + "every request; make them add up to at most 1.");
        assertThatThrownBy(() -> FaultMix.parse("--fault", "reset")).hasMessageStartingWith("Option --fault has the bad value 'reset': write");
        assertThatThrownBy(() -> FaultMix.parse("--fault", "")).isInstanceOf(SimulatorOptionsException.class);
    }

    @Test
    void theSimulateFormTakesTheFaultKindsAfterFault() {
        SimulatorOptions o = SimulatorOptions.parse("latency=5ms,fault=reset=0.1,half=0.2,slow=0.1:2s,capacity=4");
        assertThat(o.faults()).isEqualTo(FaultMix.parse("--fault", "reset=0.1,half=0.2,slow=0.1:2s"));
        assertThat(o.capacity()).isEqualTo(4);
        assertThat(o.describe()).isEqualTo("latency 5ms, capacity 4, output tokens 16, faults reset=0.1,half=0.2,slow=0.1:2s");
        assertThatThrownBy(() -> SimulatorOptions.parse("fault=reset=x"))
                .hasMessageStartingWith("Option --simulate fault has the bad value 'reset=x'");
        assertThatThrownBy(() -> SimulatorOptions.parse("half=0.1"))
                .hasMessageStartingWith("Option --simulate has the unknown key 'half'");
    }
}
