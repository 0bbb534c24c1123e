package io.inferencebench.simulator;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * The simulated server's service slots: at most {@code capacity} requests in service at once, the
 * rest wait in arrival order, so throughput saturates at capacity / latency like a real server.
 * It also integrates the number in service over time, for the utilization metrics.
 */
final class ServiceQueue {

    /** A request's work. {@link #start()} runs once a slot is free; the job calls {@link #release()} once when done. */
    interface Job {
        void start();
    }

    private final int capacity;
    private final Executor starter;
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    /** Written under the lock; read without it by streams that time their tokens by the batch size. */
    private volatile int inService;
    private long lastChangeNanos = System.nanoTime();
    private double inServiceSeconds;
    private double busySeconds;

    /**
     * @param capacity 0 for unlimited
     * @param starter runs jobs that get a slot freed by another one, so that a chain of instant
     *                replies does not recurse on one stack
     */
    ServiceQueue(int capacity, Executor starter) {
        this.capacity = capacity;
        this.starter = starter;
    }

    void submit(Job job) {
        synchronized (this) {
            advanceClock();
            if (capacity > 0 && inService >= capacity) {
                waiting.addLast(job);
                return;
            }
            inService++;
        }
        job.start();
    }

    void release() {
        Job next;
        synchronized (this) {
            advanceClock();
            next = waiting.pollFirst();
            if (next == null) {
                inService--;
            }
        }
        if (next != null) {
            starter.execute(next::start);
        }
    }

    private void advanceClock() {
        long now = System.nanoTime();
        double elapsed = (now - lastChangeNanos) / 1e9;
        inServiceSeconds += inService * elapsed;
        if (inService > 0) {
            busySeconds += elapsed;
        }
        lastChangeNanos = now;
    }

    int inService() {
        return inService;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    int capacity() {
        return capacity;
    }

    /** Time integral of the number of requests in service; its rate is the mean concurrency. */
    synchronized double inServiceSeconds() {
        advanceClock();
        return inServiceSeconds;
    }

    /** Time during which at least one request was in service. */
    synchronized double busySeconds() {
        advanceClock();
        return busySeconds;
    }
}
