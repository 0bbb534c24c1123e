package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorOptionsTest {

    @Test
    void defaultsAreLoopbackAFreePortAndAnInstantUnlimitedServer() {
        SimulatorOptions o = SimulatorOptions.defaults();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isZero();
        assertThat(o.latency().isZero()).isTrue();
        assertThat(o.capacity()).isZero();
        assertThat(o.errorRate()).isZero();
        assertThat(o.stall()).isNull();
        assertThat(o.itl()).isEqualTo(Duration.ZERO);
        assertThat(o.outputTokens()).isEqualTo(OutputLength.fixed(16));
        assertThat(o.describe()).isEqualTo("latency 0, capacity unlimited, output tokens 16");
    }

    @Test
    void parsesTheSimulateFlagForm() {
        SimulatorOptions o = SimulatorOptions.parse(
                "latency=50ms,capacity=64,error-rate=0.01,stall=5s:3s,ttft=200ms,itl=20ms,output-tokens=64");
        assertThat(o.latency()).isEqualTo(LatencyDistribution.fixed(Duration.ofMillis(50)));
        assertThat(o.capacity()).isEqualTo(64);
        assertThat(o.errorRate()).isEqualTo(0.01);
        assertThat(o.stall()).isEqualTo(new StallWindow(Duration.ofSeconds(5), Duration.ofSeconds(3)));
        assertThat(o.ttft()).isEqualTo(LatencyDistribution.fixed(Duration.ofMillis(200)));
        assertThat(o.itl()).isEqualTo(Duration.ofMillis(20));
        assertThat(o.outputTokens()).isEqualTo(OutputLength.fixed(64));
        assertThat(o.describe()).isEqualTo(
                "latency 50ms, capacity 64, error rate 0.01, stall 5s:3s, ttft 200ms, itl 20ms, output tokens 64");
    }

    @Test
    void keepsTheCommaOfALogNormalLatency() {
        SimulatorOptions o = SimulatorOptions.parse("latency=lognormal:50ms,0.5,capacity=4,port=8081");
        assertThat(o.latency().text()).isEqualTo("lognormal:50ms,0.5");
        assertThat(o.capacity()).isEqualTo(4);
        assertThat(o.port()).isEqualTo(8081);
    }

    @Test
    void anEmptyTextGivesTheDefaults() {
        assertThat(SimulatorOptions.parse("")).isSameAs(SimulatorOptions.defaults());
        assertThat(SimulatorOptions.parse(null)).isSameAs(SimulatorOptions.defaults());
    }

    @Test
    void ttftFallsBackToTheLatency() {
        SimulatorOptions o = SimulatorOptions.defaults().withLatency("uniform:20ms-80ms");
        assertThat(o.ttft()).isSameAs(o.latency());
    }

    @Test
    void withersLeaveTheOriginalUntouched() {
        SimulatorOptions base = SimulatorOptions.defaults();
        SimulatorOptions changed = base.withCapacity(4).withLatency("100ms").withPort(9000);
        assertThat(base.capacity()).isZero();
        assertThat(changed.capacity()).isEqualTo(4);
        assertThat(changed.port()).isEqualTo(9000);
    }

    @Test
    void anUnknownKeyListsTheKnownOnes() {
        assertThatThrownBy(() -> SimulatorOptions.parse("latency=5ms,speed=fast"))
                .isInstanceOf(SimulatorOptionsException.class)
                .hasMessage("Option --simulate has the unknown key 'speed': use one of host, port, latency, capacity, "
                        + "error-rate, stall, ttft, itl, output-tokens, tokens-per-chunk, prefill-rate, max-batch, itl-per-seq, seed, fault.");
    }

    @Test
    void aPartWithoutEqualsSignIsRejected() {
        assertThatThrownBy(() -> SimulatorOptions.parse("50ms"))
                .isInstanceOf(SimulatorOptionsException.class)
                .hasMessageContaining("key=value");
    }

    @Test
    void badValuesNameTheKeyOrFlagAndTheFix() {
        assertThatThrownBy(() -> SimulatorOptions.parse("capacity=lots"))
                .hasMessage("Option --simulate capacity has the bad value 'lots': write a whole number of requests, 0 for unlimited.");
        assertThatThrownBy(() -> SimulatorOptions.parse("error-rate=5%"))
                .hasMessageContaining("--simulate error-rate").hasMessageContaining("fraction from 0 to 1");
        assertThatThrownBy(() -> SimulatorOptions.parse("latency=5x"))
                .hasMessageContaining("--simulate latency").hasMessageContaining("'5x'");
        assertThatThrownBy(() -> SimulatorOptions.defaults().withErrorRate(1.5))
                .isInstanceOf(SimulatorOptionsException.class).hasMessageContaining("--error-rate");
        assertThatThrownBy(() -> SimulatorOptions.defaults().withPort(70000))
                .isInstanceOf(SimulatorOptionsException.class).hasMessageContaining("--port");
        assertThatThrownBy(() -> SimulatorOptions.defaults().withCapacity(-1))
                .isInstanceOf(SimulatorOptionsException.class).hasMessageContaining("--capacity");
        assertThatThrownBy(() -> SimulatorOptions.defaults().withOutputTokens(0))
                .isInstanceOf(SimulatorOptionsException.class).hasMessageContaining("--output-tokens");
        assertThatThrownBy(() -> SimulatorOptions.parse("output-tokens=0"))
                .isInstanceOf(SimulatorOptionsException.class)
                .hasMessageStartingWith("Option --simulate output-tokens has the bad value '0'");
    }

    @Test
    void maxBatchIsCapacityByItsLlmName() {
        assertThat(SimulatorOptions.parse("max-batch=8").capacity()).isEqualTo(8);
        assertThat(SimulatorOptions.parse("capacity=8,max-batch=8").capacity()).isEqualTo(8);
        assertThatThrownBy(() -> SimulatorOptions.parse("capacity=4,max-batch=8"))
                .isInstanceOf(SimulatorOptionsException.class)
                .hasMessage("Options --simulate capacity 4 and --simulate max-batch 8 disagree: they are one setting "
                        + "(requests served at once), so give one of them.");
        assertThatThrownBy(() -> SimulatorOptions.parse("max-batch=-1"))
                .hasMessageStartingWith("Option --simulate max-batch has the bad value '-1'");
    }

    @Test
    void parsesTheLlmServerModel() {
        SimulatorOptions o = SimulatorOptions.parse("itl=20ms,itl-per-seq=0.5ms,output-tokens=normal:64,8,seed=42");
        assertThat(o.itlPerSeq()).isEqualTo(Duration.ofNanos(500_000));
        assertThat(o.outputTokens()).isEqualTo(new OutputLength.Normal(64, 8));
        assertThat(o.seed()).isEqualTo(42);
        assertThat(o.describe()).isEqualTo(
                "latency 0, capacity unlimited, itl 20ms, itl per sequence 0.5ms, output tokens normal:64,8, seed 42");
        assertThat(SimulatorOptions.parse("output-tokens=uniform:32-96").outputTokens()).isEqualTo(new OutputLength.Uniform(32, 96));
        assertThatThrownBy(() -> SimulatorOptions.parse("seed=x")).hasMessageStartingWith("Option --simulate seed has the bad value 'x'");
        assertThatThrownBy(() -> SimulatorOptions.parse("itl-per-seq=-1ms"))
                .hasMessageStartingWith("Option --simulate itl-per-seq has the bad value '-1ms'");
        assertThatThrownBy(() -> SimulatorOptions.parse("output-tokens=uniform:96-32"))
                .hasMessage("Option --simulate output-tokens has the bad value 'uniform:96-32': write a positive whole number "
                        + "of tokens, uniform:32-96 or normal:64,8 (mean, standard deviation).");
    }
}
