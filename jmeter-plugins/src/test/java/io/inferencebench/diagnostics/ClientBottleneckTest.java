package io.inferencebench.diagnostics;

import io.inferencebench.wave.Setting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.inferencebench.diagnostics.ClientBottleneck.Cause;
import io.inferencebench.diagnostics.ClientBottleneck.Evidence;

/** The verdict, decided from evidence alone: no clock, no threads. */
class ClientBottleneckTest {
    /** A healthy 100 req/s wave on a 2-core client: 20% CPU, no queueing, on schedule. */
    private static Evidence healthy() {
        return new Evidence(100, 99.98, 6000, 3, 0.4, 50, 0, false, 2000, 5, 0.1, 0.2, false, 0, true,
                40, 60, 55, 2, 80, 60, 120, 65536);
    }

    @Test
    void aWaveAlreadyOnRemoteEnginesIsToldToAddEnginesNotThatTheyExist() {
        Evidence late = new Evidence(100, 99, 6000, 900, 40, 50, 0, false, 2000, 5, 0, 0, false, 0, true,
                40, 60, 55, 2, 80, 60, 120, 65536);
        assertThat(ClientBottleneck.judge(late).render()).contains("JMeter remote engines (jmeter-server on other machines)");
        String remote = ClientBottleneck.judge(late.onRemoteEngines()).render();
        assertThat(remote).contains("more remote engines").doesNotContain("jmeter-server on other machines");
    }

    @Test
    void aHealthyWaveRaisesNoAlarm() {
        ClientBottleneck v = ClientBottleneck.judge(healthy());
        assertThat(v.detected()).isFalse();
        assertThat(v.render()).isEmpty();
        assertThat(v.toVerdict().detected()).isFalse();
        assertThat(v.toVerdict().causes()).isEmpty();
    }

    @Test
    void aReachedThreadCapIsNamedWithTheThreadsTheLatencyNeeds() {
        Evidence e = new Evidence(100, 40, 2400, 2300, 900, 50, 0, true, 10, 25, 0, 0, false, 0, true,
                30, 50, 40, 2, 10, 60, 80, 65536);
        ClientBottleneck v = ClientBottleneck.judge(e);
        assertThat(v.detected()).isTrue();
        assertThat(v.causes()).extracting(Cause::cause)
                .containsExactly("under-firing", "thread cap reached", "late starts");
        Cause cap = v.causes().get(1);
        assertThat(cap.figure()).contains("all 10 threads were busy", "about 25");
        // the core names the timer's setting as the GUI shows it; the command line names its flag
        assertThat(cap.remedy()).contains("raise 'Thread cap' (to at least 38)").doesNotContain("--");
        assertThat(v.naming(s -> s == Setting.THREAD_CAP ? "--max-threads" : null).causes())
                .anySatisfy(c -> assertThat(c.remedy()).contains("raise --max-threads (to at least 38)"));
        assertThat(v.render()).startsWith("⚠️ CLIENT BOTTLENECK detected")
                .contains("under-firing: achieved 40.00 of 100.00 req/s (40.0%)");
    }

    @Test
    void aCapReachedThoughTheMeanNeedsFewerThreadsSaysSoRatherThanNeedingAboutZero() {
        // 10 req/s of 1 ms answers need 0.01 threads; one thread was still busy when a start was due
        Evidence e = new Evidence(10, 10, 1, 1, 2, 1, 0, true, 1, 0.01, 0, 0, false, 0, true,
                30, 50, 40, 2, 10, 60, 80, 65536);
        Cause cap = ClientBottleneck.judge(e).causes().stream().filter(c -> c.cause().equals("thread cap reached"))
                .findFirst().orElseThrow();
        assertThat(cap.figure()).isEqualTo("all 1 threads were busy at times, though the mean rate and latency need"
                + " less than one (slow first requests or bursts)");
        assertThat(cap.remedy()).contains("(to at least 2)");
    }

    @Test
    void aCapReachedOnPlatformThreadsNamesJava21sVirtualThreadsAsTheBetterRemedy() {
        Evidence e = new Evidence(100, 40, 2400, 2300, 900, 50, 0, true, 2000, 6000, 0, 0, false, 0, true,
                30, 50, 40, 2, 10, 60, 80, 65536);
        Cause onVirtual = ClientBottleneck.judge(e).causes().get(1);
        assertThat(onVirtual.remedy()).contains("(to at least 9000)").doesNotContain("Java 21");
        Cause onPlatform = ClientBottleneck.judge(e.onPlatformThreads()).causes().get(1);
        assertThat(onPlatform.cause()).isEqualTo("thread cap reached");
        assertThat(onPlatform.remedy()).contains("(to at least 9000)", "run on Java 21+", "virtual threads");
    }

    @Test
    void queueingInPythonWorkersWithCallablePayloadsPointsAtWorkersAndPrecomputedPayloads() {
        Evidence e = new Evidence(500, 300, 18000, 9000, 250, 50, 0, false, 2000, 30, 300, 400, true, 1, false,
                198, 200, 199, 2, 100, 60, 90, 65536);
        ClientBottleneck v = ClientBottleneck.judge(e);
        assertThat(v.causes()).extracting(Cause::cause).contains("under-firing",
                "requests queued in the Python workers before invoke ran", "client CPU saturated");
        assertThat(v.causes().get(1).remedy()).contains("more 'Worker processes' (try 2)", "pre-computed payloads");
        assertThat(v.causes().get(2).figure()).contains("avg 198% (max 200%) of 2 cores = 99%");
    }

    @Test
    void aHandfulOfStartsAFewPercentSlowIsNoiseNotUnderFiring() {
        // 5 starts at 20/s achieved at 19.42/s (97.1%) over 0.2 s: 0.1 of a request short
        Evidence few = new Evidence(20, 19.0, 5, 3, 5.5, 1, 0, false, 2000, 1, 0, 0, false, 0, true,
                30, 40, 100, 2, 0, 0.25, 80, 65536);
        assertThat(ClientBottleneck.judge(few).causes()).extracting(Cause::cause).doesNotContain("under-firing");
        // the same shortfall over a minute misses 60 requests: under-firing, and the wave is not valid
        Evidence many = new Evidence(20, 19.0, 1140, 3, 5.5, 1, 0, false, 2000, 1, 0, 0, false, 0, true,
                30, 40, 100, 2, 0, 60, 80, 65536);
        ClientBottleneck v = ClientBottleneck.judge(many);
        assertThat(v.causes()).extracting(Cause::cause).contains("under-firing");
        assertThat(v.toVerdict().valid()).isFalse();
        assertThat(ClientBottleneck.judge(healthy()).toVerdict().valid()).isTrue();
    }

    @Test
    void lateStartsSmallAgainstTheServiceTimeAreNoise() {
        // 6.7% of starts late by 5.6 ms at p99 on a 20 ms endpoint: scheduling noise, not a client limit
        Evidence e = new Evidence(20, 19.98, 60, 4, 5.6, 20, 0, false, 2000, 1, 0.3, 0.5, true, 1, true,
                20, 60, 40, 2, 10, 3, 80, 65536);
        assertThat(ClientBottleneck.judge(e).detected()).isFalse();
        // the same share 300 ms late against a 50 ms endpoint is a limit
        Evidence late = new Evidence(20, 19.5, 60, 4, 300, 50, 0, false, 2000, 1, 0.3, 0.5, true, 1, true,
                20, 60, 40, 2, 10, 3, 80, 65536);
        assertThat(ClientBottleneck.judge(late).causes()).extracting(Cause::cause).containsExactly("late starts");
        // the pool had room (cap not reached): more threads are not the remedy, a warm JVM or more cores are
        assertThat(ClientBottleneck.judge(late).causes().get(0).remedy())
                .startsWith("the 'Thread cap' (2000) was not reached, so more threads would not help")
                .contains("a fresh JVM (jmeter -n, or the GUI's first run)", "a client with more cores").doesNotContain("raise");
    }

    @Test
    void lateStartsAtTheWaveStartAreAWarmingJvmAndSpreadOnesAClientShortOfCpu() {
        // 500/s for 10 s, 250 starts late by 30 ms at p99, the pool far from its cap
        Evidence late = new Evidence(500, 499, 5000, 250, 30, 50, 0, false, 2000, 25, 0, 0, false, 0, true,
                60, 90, 80, 2, 10, 10, 80, 65536);
        String early = ClientBottleneck.judge(late.withLateStartTimes(250, 240)).causes().get(0).remedy();
        assertThat(early).startsWith("the 'Thread cap' (2000) was not reached, so more threads would not help: "
                + "240 of the 250 starts over 10 ms late came in the window's first 3 s: a JVM warming up").doesNotContain("cores");
        String spread = ClientBottleneck.judge(late.withLateStartTimes(250, 60)).causes().get(0).remedy();
        assertThat(spread).contains("60 of the 250 starts over 10 ms late came in the window's first 3 s, the rest "
                + "throughout the wave: the client lacks CPU for this rate", "a client with more cores").doesNotContain("warming");
        // a wave too short to tell its start from the rest keeps the general remedy
        Evidence shortWave = new Evidence(500, 499, 2500, 250, 30, 50, 0, false, 2000, 25, 0, 0, false, 0, true,
                60, 90, 80, 2, 10, 5, 80, 65536).withLateStartTimes(250, 250);
        assertThat(ClientBottleneck.judge(shortWave).causes().get(0).remedy()).contains("a fresh JVM (jmeter -n");
    }

    @Test
    void aMachineBusyWithOtherWorkIsNotBlamedOnTheClientProcesses() {
        Evidence e = new Evidence(20, 19.9, 60, 18, 30, 50, 0, false, 2000, 1, 0.3, 1, true, 1, true,
                17, 58, 198, 2, 10, 3, 80, 65536);
        assertThat(ClientBottleneck.judge(e).causes()).extracting(Cause::cause)
                .containsExactly("client machine busy with other work", "late starts");
        assertThat(ClientBottleneck.judge(e).causes().get(0).figure())
                .isEqualTo("machine CPU avg 99% of 2 cores while the client processes used 9%");
    }

    @Test
    void oneSlowRequestInTheWorkerQueueIsAHiccupNotQueueing() {
        Evidence e = new Evidence(20, 20, 60, 1, 0.5, 50, 0, false, 2000, 1, 0.3, 12, true, 1, true,
                20, 70, 40, 2, 10, 3, 80, 65536);
        assertThat(ClientBottleneck.judge(e).detected()).isFalse();
    }

    @Test
    void gcAndDescriptorsCountWhenTheyEatTheWave() {
        Evidence e = new Evidence(100, 99.9, 6000, 0, 0.3, 50, 0, false, 2000, 5, 0, 0, false, 0, true,
                50, 70, 60, 2, 6000, 60, 1000, 1024);
        assertThat(ClientBottleneck.judge(e).causes()).extracting(Cause::cause)
                .containsExactly("garbage collection", "file descriptors nearly exhausted");
    }

    @Test
    void aFewLateStartsAtWarmUpAreNotAnAlarm() {
        Evidence e = new Evidence(100, 99.9, 6000, 60, 30, 50, 0, false, 2000, 5, 0, 0, false, 0, true,
                40, 60, 55, 2, 80, 60, 120, 65536);
        assertThat(ClientBottleneck.judge(e).detected()).isFalse();
    }
}
