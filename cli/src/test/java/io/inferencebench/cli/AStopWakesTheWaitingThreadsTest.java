package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.pacing.Pacer;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * The pool's idle threads each hold a start up to seconds ahead and look by themselves whether the test is
 * stopping only once a second; the keeper wakes them all when it stops. A real wave: 20 req/s against 6 s
 * answers keeps 120 requests in flight and a margin of about 30 threads waiting for starts up to 1.6 s ahead.
 */
class AStopWakesTheWaitingThreadsTest {
    @TempDir
    Path tmp;

    /** Threads parked for a start; platform threads only, which is why the wave runs on them. */
    private static int waitingForAStart() {
        int n = 0;
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals(Pacer.class.getName()) && frame.getMethodName().equals("park")) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    @Test
    void aStopEndsEveryThreadWaitingForALaterStartAtOnce() throws Exception {
        System.setProperty("ib.threads", "platform");
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=6s").withPort(0))) {
            Future<Integer> wave = runner.submit(() -> Benchmark.execute("--url", sim.baseUrl() + "/invocations",
                    "--client-rps", "20", "--obs-time", "60", "--no-warmup", "--quiet",
                    "--results-dir", tmp.resolve("results").toString()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int waiting;
            while ((waiting = waitingForAStart()) < 20) {
                assertThat(System.nanoTime()).as("threads waiting for a start: %d", waiting).isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(1000); // the margin's starts now reach more than a second ahead
            waiting = waitingForAStart();
            long stop = System.nanoTime();
            Pacer.stopStarts(); // what a first Ctrl-C does
            while (waitingForAStart() > 0 && System.nanoTime() - stop < TimeUnit.SECONDS.toNanos(5)) {
                Thread.sleep(2);
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stop);
            // looking by themselves once a second, the last of ~30 threads would take most of that second
            assertThat(tookMs).as("%d threads waiting for a start ended in %d ms", waiting, tookMs).isLessThan(300);
            wave.get(60, TimeUnit.SECONDS); // the requests in flight finish, and the wave ends
            System.out.printf("MEASURED: %d threads waiting for a start ended %d ms after the stop%n", waiting, tookMs);
            assertThat(sim.requestCount()).as("requests the wave sent").isGreaterThan(50);
        } finally {
            System.clearProperty("ib.threads");
            runner.shutdownNow();
        }
    }
}
