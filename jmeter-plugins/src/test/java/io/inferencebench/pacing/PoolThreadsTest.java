package io.inferencebench.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.jmeter.threads.SetupThreadGroup;
import org.apache.jmeter.threads.ThreadGroup;
import org.junit.jupiter.api.Test;

class PoolThreadsTest {
    private final boolean java21 = Runtime.version().feature() >= 21;

    @Test
    void jmetersOwnThreadGroupsRunOnVirtualThreadsWhereTheJvmHasThem() {
        assertThat(PoolThreads.virtualAvailable()).isEqualTo(java21);
        PoolThreads.Kind expected = java21 ? PoolThreads.Kind.VIRTUAL : PoolThreads.Kind.PLATFORM;
        assertThat(PoolThreads.kindFor(new ThreadGroup(), "auto")).isEqualTo(expected);
        assertThat(PoolThreads.kindFor(new SetupThreadGroup(), null)).isEqualTo(expected);
        assertThat(PoolThreads.kindFor(new ThreadGroup(), " Virtual ")).isEqualTo(expected);
    }

    @Test
    void platformWhenAskedOrWhenTheGroupIsNotJMetersOwn() {
        assertThat(PoolThreads.kindFor(new ThreadGroup(), "platform")).isEqualTo(PoolThreads.Kind.PLATFORM);
        // JMeter's Open Model Thread Group keeps its threads its own way: it is asked for them, as JMeter does
        assertThat(PoolThreads.kindFor(new org.apache.jmeter.threads.openmodel.OpenModelThreadGroup(), "auto"))
                .isEqualTo(PoolThreads.Kind.PLATFORM);
        assertThat(PoolThreads.Kind.VIRTUAL).hasToString("virtual");
    }
}
