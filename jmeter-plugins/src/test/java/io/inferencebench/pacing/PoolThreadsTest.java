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
    void aVirtualPoolRunsItsFirstThreadsOnPlatformThreadsAndTheRestOnVirtualOnes() {
        int first = PoolThreads.PLATFORM_FIRST;
        assertThat(first).isEqualTo(256);
        // the first threads, JMeter's own included, are platform threads...
        assertThat(PoolThreads.platformShare(first, 34, 3)).isEqualTo(34);
        // ...up to the share, the rest of a growth past it virtual...
        assertThat(PoolThreads.platformShare(first, 10, first - 4)).isEqualTo(4);
        assertThat(PoolThreads.platformShare(first, 10, first)).isZero();
        // ...and a platform thread that retired makes room for one again
        assertThat(PoolThreads.platformShare(first, 10, first - 1)).isEqualTo(1);
        // JMeter's own threads may outnumber a small share: none then, never fewer than none
        assertThat(PoolThreads.platformShare(2, 5, 3)).isZero();
        assertThat(PoolThreads.platformShare(0, 5, 0)).isZero();
    }

    @Test
    void aColdJvmStartsNoVirtualThreadInItsFirstSeconds() {
        int first = PoolThreads.PLATFORM_FIRST;
        long second = 1_000_000_000L;
        // a cold JVM: before the schedule and in its first second, all of a growth past the share is platform threads
        assertThat(PoolThreads.platformCount(first, 300, 0, -1, false)).isEqualTo(300);
        assertThat(PoolThreads.platformCount(first, 10, first + 40, second / 2, false)).isEqualTo(10);
        assertThat(PoolThreads.platformCount(first, 10, first + 40, second - 1, false)).isEqualTo(10);
        // after them the share again: beyond it virtual
        assertThat(PoolThreads.platformCount(first, 10, first + 40, PoolThreads.COLD_START_NANOS, false)).isZero();
        assertThat(PoolThreads.platformCount(first, 10, first - 4, 2 * second, false)).isEqualTo(4);
        // a warm JVM (an earlier pacer's request completed): the share from the first thread
        assertThat(PoolThreads.platformCount(first, 10, first, second / 2, true)).isZero();
        assertThat(PoolThreads.platformCount(first, 300, 0, -1, true)).isEqualTo(first);
        // all virtual when asked (ib.threads=virtual), cold or not: the user's choice
        assertThat(PoolThreads.platformCount(0, 10, 0, -1, false)).isZero();
    }

    @Test
    void theSettingNamesHowManyPlatformThreadsComeFirst() {
        assertThat(PoolThreads.platformFirstFor(null)).isEqualTo(PoolThreads.PLATFORM_FIRST);
        assertThat(PoolThreads.platformFirstFor(" Auto ")).isEqualTo(PoolThreads.PLATFORM_FIRST);
        assertThat(PoolThreads.platformFirstFor("virtual")).isZero();
        assertThat(PoolThreads.platformFirstFor("64")).isEqualTo(64);
        assertThat(PoolThreads.platformFirstFor("-3")).isZero();
        assertThat(PoolThreads.platformFirstFor("lots")).isEqualTo(PoolThreads.PLATFORM_FIRST);
        // a number is a virtual pool's setting, as auto is; platform keeps every thread a platform thread
        PoolThreads.Kind expected = java21 ? PoolThreads.Kind.VIRTUAL : PoolThreads.Kind.PLATFORM;
        assertThat(PoolThreads.kindFor(new ThreadGroup(), "64")).isEqualTo(expected);
    }

    @Test
    void isVirtualTellsThreadKindsApartWhereTheJvmHasBoth() throws Exception {
        assertThat(PoolThreads.isVirtual(Thread.currentThread())).isFalse();
        if (java21) {
            Thread t = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, (Runnable) () -> { });
            assertThat(PoolThreads.isVirtual(t)).isTrue();
            t.join();
        }
    }
}
