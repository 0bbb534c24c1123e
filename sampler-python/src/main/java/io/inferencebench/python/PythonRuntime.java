package io.inferencebench.python;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.slf4j.LoggerFactory;

import io.inferencebench.outcome.WaveOutcome;

/**
 * Runs a factories file's {@code invoke} on request. The CLI and the sampler share one per
 * {@link PythonOptions} through {@link PythonRuntimes}.
 */
public interface PythonRuntime extends AutoCloseable {

    /**
     * Starts the runtime the options ask for, after checking everything that can be checked
     * before a wave: the file, the Python, the factories contract, {@code invoke_factory} itself.
     *
     * @param notices receives one line when {@code auto} falls back from Jep to worker processes
     * @throws FactoriesException with the one sentence to show the user
     */
    static PythonRuntime start(PythonOptions options, Consumer<String> notices) throws FactoriesException {
        // before anything starts or prints, whichever runtime serves
        WorkerPool.checkFile(options);
        options.checkWorkers();
        return switch (options.runtime()) {
            case SUBPROCESS -> WorkerPool.start(options);
            case JEP -> JepRuntime.start(options);
            case AUTO -> {
                String missing = JepRuntime.unavailableReason(options);
                if (missing == null) {
                    yield JepRuntime.start(options);
                }
                // said once the workers run: a Python that cannot start is then the only line the user reads
                WorkerPool pool = WorkerPool.start(options);
                notices.accept("Jep is not available (" + missing + "); running " + options.workers()
                        + " CPython worker process" + (options.workers() == 1 ? "" : "es") + ".");
                yield pool;
            }
        };
    }

    /** {@link #start(PythonOptions, Consumer)} with its notice going to the log. */
    static PythonRuntime start(PythonOptions options) throws FactoriesException {
        return start(options, LoggerFactory.getLogger(PythonRuntime.class)::info);
    }

    /**
     * Sends one request. The future always completes normally: failures, time-outs and worker
     * crashes are failed invocations. It may block while no worker is alive (a restart is under way).
     */
    CompletableFuture<Invocation> submit();

    /** One request, waiting for its outcome (at most the request timeout). */
    default Invocation invoke() {
        return submit().join();
    }

    /** Worker processes restarted after they died (0 for Jep). */
    int restarts();

    /**
     * Whether payload_factory gave pre-computed payloads (else a callable builds one per request).
     * A runtime that cannot tell says true, so no remedy suggests what may already be in place.
     */
    default boolean precomputedPayloads() {
        return true;
    }

    /** One line for the log: runtime, Python version, payload mode. */
    String description();

    /**
     * The outcome's {@code python} section for a wave this runtime served ({@code options} are the ones it
     * was started with); read at the wave's end, so it counts every restart.
     */
    default WaveOutcome.Python section(PythonOptions options) {
        return new WaveOutcome.Python(options.workers(), options.endpointName().isEmpty() ? null : options.endpointName(),
                description(), restarts(), precomputedPayloads());
    }

    /** Stops the runtime; requests still in flight fail. */
    @Override
    void close();
}
