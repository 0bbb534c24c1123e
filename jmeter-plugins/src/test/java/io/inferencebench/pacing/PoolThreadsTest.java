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

    @Test
    void aVirtualPoolAddsPlatformThreadsUntilTheFirstResponseOfItsColdStart() {
        PoolThreads.Kind virtual = PoolThreads.Kind.VIRTUAL, platform = PoolThreads.Kind.PLATFORM;
        long second = 1_000_000_000L;
        // before the first start and in the first seconds, until a request has completed
        assertThat(PoolThreads.nextKind(virtual, false, -1, 0)).isEqualTo(platform);
        assertThat(PoolThreads.nextKind(virtual, false, second, 40)).isEqualTo(platform);
        // a completed request has loaded the sampler's path: virtual from then on
        assertThat(PoolThreads.nextKind(virtual, true, second / 10, 40)).isEqualTo(virtual);
        // streams that complete only after a minute: virtual after the cold start's bound...
        assertThat(PoolThreads.nextKind(virtual, false, PoolThreads.COLD_START_NANOS, 40)).isEqualTo(virtual);
        // ...or once it has added its most platform threads
        assertThat(PoolThreads.nextKind(virtual, false, second, PoolThreads.COLD_START_PLATFORM_MAX)).isEqualTo(virtual);
        // a platform pool stays platform
        assertThat(PoolThreads.nextKind(platform, true, 10 * second, 0)).isEqualTo(platform);
    }
}
