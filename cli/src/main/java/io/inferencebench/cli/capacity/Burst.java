package io.inferencebench.cli.capacity;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.inferencebench.python.Invocation;
import io.inferencebench.python.PythonRuntime;

/**
 * One open-loop burst: requests submitted to a Python runtime on a uniform schedule for a while, and
 * how many of them the runtime actually started ({@code invoke} began) inside that window.
 */
record Burst(double askedPerSecond, double seconds, long asked, long fired, long failed) {

    double firedPerSecond() {
        return fired / seconds;
    }

    /** Sends {@code rate * seconds} requests evenly spread over {@code seconds}; waits for all of them. */
    static Burst run(PythonRuntime runtime, double rate, double seconds) {
        long asked = Math.max(1, Math.round(rate * seconds));
        long windowNanos = (long) (seconds * 1e9);
        long start = System.nanoTime();
        List<CompletableFuture<Invocation>> futures = new ArrayList<>((int) asked);
        long[] submitted = new long[(int) asked];
        for (int k = 0; k < asked; k++) {
            long due = start + (long) (k * 1e9 / rate);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            submitted[k] = System.nanoTime();
            futures.add(runtime.submit());
        }
        long fired = 0, failed = 0;
        for (int k = 0; k < asked; k++) {
            Invocation inv;
            try {
                inv = futures.get(k).get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed++;
                continue;
            }
            if (!inv.ok()) {
                failed++;
            }
            long invokeStarted = submitted[k] + inv.queueNanos() + inv.payloadNanos();
            if (invokeStarted - start <= windowNanos) {
                fired++;
            }
        }
        return new Burst(rate, seconds, asked, fired, failed);
    }
}
