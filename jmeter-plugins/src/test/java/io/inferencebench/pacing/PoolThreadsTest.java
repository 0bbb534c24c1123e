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
    void virtualThreadsGetTwiceTheCoresAsCarriersUnlessTheJvmWasGivenANumber() {
        assertThat(PoolThreads.carriers(2, null)).isEqualTo(4);
        assertThat(PoolThreads.carriers(16, null)).isEqualTo(32);
        assertThat(PoolThreads.carriers(0, null)).isEqualTo(2);
        assertThat(PoolThreads.carriers(2, " 3 ")).isEqualTo(3);
        assertThat(PoolThreads.carriers(2, "lots")).isEqualTo(4);
        assertThat(PoolThreads.carriers(2, "0")).isEqualTo(4);
        if (java21) {
            // set when the class was first used, before any virtual thread of this JVM
            assertThat(PoolThreads.virtualAvailable()).isTrue();
            assertThat(System.getProperty(PoolThreads.CARRIERS_PROPERTY))
                    .isEqualTo(Integer.toString(2 * Runtime.getRuntime().availableProcessors()));
        }
    }

    @Test
    void aVirtualPoolAddsPlatformThreadsUntilTheFirstResponseOfItsColdStart() {
        PoolThreads.Kind virtual = PoolThreads.Kind.VIRTUAL, platform = PoolThreads.Kind.PLATFORM;
        long second = 1_000_000_000L;
        int max = PoolThreads.COLD_START_PLATFORM_MAX;
        // before the first start and in the first seconds, until a request has completed
        assertThat(PoolThreads.coldStartPlatform(virtual, 1, false, -1, 0)).isEqualTo(1);
        assertThat(PoolThreads.coldStartPlatform(virtual, 1, false, second, 40)).isEqualTo(1);
        assertThat(PoolThreads.coldStartPlatform(virtual, 34, false, -1, 0)).isEqualTo(34);
        // a completed request has loaded the sampler's path: virtual from then on
        assertThat(PoolThreads.coldStartPlatform(virtual, 1, true, second / 10, 40)).isZero();
        // streams that complete only after a minute: virtual after the cold start's bound...
        assertThat(PoolThreads.coldStartPlatform(virtual, 1, false, PoolThreads.COLD_START_NANOS, 40)).isZero();
        // ...or once it has added its most platform threads, the rest of a growth past it virtual
        assertThat(PoolThreads.coldStartPlatform(virtual, 1, false, second, max)).isZero();
        assertThat(PoolThreads.coldStartPlatform(virtual, 10, false, second, max - 4)).isEqualTo(4);
        // a platform pool's threads are all platform threads, none of them for the cold start
        assertThat(PoolThreads.coldStartPlatform(platform, 1, true, 10 * second, 0)).isZero();
        assertThat(PoolThreads.coldStartPlatform(platform, 1, false, -1, 0)).isZero();
    }
}
