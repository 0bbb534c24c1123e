package io.inferencebench.python;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The runtimes running in this JVM, one per {@link PythonOptions}, counted by their users. The
 * CLI acquires one before it creates the run directory (so a broken factories file fails fast)
 * and the sampler's {@code testStarted} acquires the same one; each releases it when done, and the
 * last release closes it.
 */
public final class PythonRuntimes {
    private static final Map<PythonOptions, Shared> RUNNING = new HashMap<>();

    private static final class Shared {
        final PythonRuntime runtime;
        int users;

        Shared(PythonRuntime runtime) {
            this.runtime = runtime;
        }
    }

    private PythonRuntimes() {
    }

    /**
     * The running runtime for these options, started (and so validated) if none runs yet.
     *
     * @param notices receives the one-line notice of a Jep fallback
     * @throws FactoriesException with the sentence to show the user (exit code 2)
     */
    public static synchronized PythonRuntime acquire(PythonOptions options, Consumer<String> notices) throws FactoriesException {
        Shared shared = RUNNING.get(options);
        if (shared == null) {
            shared = new Shared(PythonRuntime.start(options, notices));
            RUNNING.put(options, shared);
        }
        shared.users++;
        return shared.runtime;
    }

    /** The runtime running for these options, or null. */
    public static synchronized PythonRuntime running(PythonOptions options) {
        Shared shared = RUNNING.get(options);
        return shared == null ? null : shared.runtime;
    }

    /** Gives back one use; the last one closes the runtime. */
    public static void release(PythonOptions options) {
        PythonRuntime closing = null;
        synchronized (PythonRuntimes.class) {
            Shared shared = RUNNING.get(options);
            if (shared != null && --shared.users <= 0) {
                RUNNING.remove(options);
                closing = shared.runtime;
            }
        }
        if (closing != null) {
            closing.close();
        }
    }

    /**
     * Checks a factories file as a wave would start it, without keeping anything running
     * (unless the runtime was already running, which it then leaves as it was).
     */
    public static void validate(PythonOptions options, Consumer<String> notices) throws FactoriesException {
        acquire(options, notices);
        release(options);
    }
}
