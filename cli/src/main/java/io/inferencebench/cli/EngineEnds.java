package io.inferencebench.cli;

import java.util.HashSet;
import java.util.Set;

import org.apache.jmeter.samplers.Remoteable;
import org.apache.jmeter.testelement.TestStateListener;

/**
 * Every engine reports its end to this listener, after the listeners before it in the plan
 * (JMeter's non-GUI client waits the same way with its own ListenToTest).
 */
final class EngineEnds implements TestStateListener, Remoteable {
    private final Set<String> running = new HashSet<>();
    /** The controller's listeners the engines report their ends to (JTL writers, the Wave Summary). */
    private final java.util.List<TestStateListener> reportEndsTo;

    EngineEnds(java.util.List<TestStateListener> reportEndsTo) {
        this.reportEndsTo = java.util.List.copyOf(reportEndsTo);
    }

    synchronized void expect(String host) {
        running.add(host);
    }

    synchronized void forget(String host) {
        running.remove(host);
        notifyAll();
    }

    /** True when every expected engine has ended before {@code deadlineNanos}. */
    synchronized boolean await(long deadlineNanos) {
        while (!running.isEmpty()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, Math.min(left / 1_000_000L, 200)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * An engine that will never report its end: it is no longer waited for, and the listeners are told of its end
     * in its place (JMeter's JTL writers close their files only once every engine has ended, and keep that count
     * for the whole JVM, the next wave's files too). Returns what any listener could not take.
     */
    java.util.List<String> lost(String host) {
        forget(host);
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (TestStateListener l : reportEndsTo) {
            try {
                l.testEnded(host);
            } catch (RuntimeException e) {
                problems.add(l.getClass().getSimpleName() + " could not take the lost engine's end: " + e.getMessage());
            }
        }
        return problems;
    }

    /** The engines that have not reported their end yet. */
    synchronized java.util.List<String> runningHosts() {
        return java.util.List.copyOf(running);
    }

    synchronized String missing() {
        return String.join(", ", running);
    }

    @Override
    public void testStarted() {
        // a remote run only calls the host variants
    }

    @Override
    public void testStarted(String host) {
        // nothing to do: the engine counts from the moment it was started
    }

    @Override
    public void testEnded() {
        // a remote run only calls the host variants
    }

    @Override
    public synchronized void testEnded(String host) {
        running.remove(host);
        notifyAll();
    }
}
