package io.inferencebench.cli;

import java.util.ArrayList;
import java.util.List;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a wave. The first stops new starts and lets the requests in
 * flight finish within the grace period; a second cuts them off. Either way the wave ends with its
 * RESULTS block and {@code summary.json}, and the command exits 130 (143 for SIGTERM). Outside a wave
 * the JVM's own handling applies. A capacity search takes them once for all its steps
 * ({@link WaveRunner#WaveRunner(WaveSpec, Console, Interrupts)}).
 */
public final class Interrupts implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String first;
    private volatile long firstEpochMs;
    private volatile int count;

    /** Takes over SIGINT and SIGTERM until {@link #close()}; where the JVM cannot, it stays as it was. */
    public static Interrupts install() {
        Interrupts i = new Interrupts();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                i.previous.add(Signal.handle(signal, i::received));
                i.installed.add(signal);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // a platform without this signal, or the JVM already uses it (-Xrs): nothing to take over
            }
        }
        return i;
    }

    /** An instance that never fires (for waves run in code, where the caller owns the signals). */
    public static Interrupts none() {
        return new Interrupts();
    }

    private synchronized void received(Signal signal) {
        if (count++ == 0) {
            first = signal.getName();
            firstEpochMs = System.currentTimeMillis();
        }
        notifyAll();
    }

    /** How many signals arrived so far. */
    int count() {
        return count;
    }

    public boolean interrupted() {
        return count > 0;
    }

    /** When the first signal arrived (epoch ms). */
    public long firstEpochMs() {
        return firstEpochMs;
    }

    /** 130 for SIGINT, 143 for SIGTERM: what a shell expects of a process a signal ended. */
    public int exitCode() {
        return "TERM".equals(first) ? Benchmark.TERMINATED : Benchmark.INTERRUPTED;
    }

    /** Waits up to {@code millis} for a signal beyond the {@code seen} ones. */
    synchronized void awaitBeyond(int seen, long millis) throws InterruptedException {
        if (count <= seen && millis > 0) {
            wait(millis);
        }
    }

    @Override
    public void close() {
        for (int k = 0; k < installed.size(); k++) {
            Signal.handle(installed.get(k), previous.get(k));
        }
        installed.clear();
    }
}
