package io.inferencebench.python;

import io.inferencebench.wave.Setting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to run a factories file. Equal options share one running {@link PythonRuntime}
 * (see {@link PythonRuntimes}), so the CLI and the sampler in the same engine meet on one pool.
 *
 * @param factoriesFile    the Python file with {@code invoke_factory} and {@code payload_factory}
 * @param endpointName     passed to {@code invoke_factory(endpoint_name)}; empty means call it bare
 * @param runtime          which runtime to use
 * @param python           the Python executable (a name on PATH or a path)
 * @param workers          worker processes (the subprocess runtime)
 * @param threadsPerWorker most threads a worker serves a plain {@code def invoke} from; it starts with one and grows
 *                         with need
 * @param asyncRequestsPerWorker most requests an {@code async def invoke} has in flight on a worker's event loop;
 *                         beyond it, requests wait (and their wait is queue time)
 * @param requestTimeout   how long a request may take before it fails as timed out
 * @param environment      variables added to the workers' environment (visible in plans: no secrets)
 */
public record PythonOptions(
        Path factoriesFile,
        String endpointName,
        Runtime runtime,
        String python,
        int workers,
        int threadsPerWorker,
        int asyncRequestsPerWorker,
        Duration requestTimeout,
        Map<String, String> environment) {

    public static final String DEFAULT_PYTHON = "python3";
    public static final int DEFAULT_WORKERS = 1;
    public static final int DEFAULT_THREADS_PER_WORKER = 256;
    /** A coroutine costs a few kB, not a thread: ten thousand 60 s streams per worker fit in memory. */
    public static final int DEFAULT_ASYNC_REQUESTS_PER_WORKER = 10_000;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** Where {@code invoke} runs. */
    public enum Runtime {
        /** Jep when its native library loads, otherwise {@link #SUBPROCESS} (saying so once). */
        AUTO,
        /** A pool of CPython worker processes on pipes. */
        SUBPROCESS,
        /** In-process CPython through Jep 4.x. */
        JEP;

        /** Parses {@code auto}, {@code subprocess} or {@code jep}, ignoring case. */
        public static Runtime parse(String text) throws FactoriesException {
            try {
                return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new FactoriesException("Python runtime '" + text + "' is unknown; use auto, subprocess or jep.");
            }
        }
    }

    public PythonOptions {
        factoriesFile = factoriesFile.toAbsolutePath().normalize();
        endpointName = endpointName == null ? "" : endpointName.trim();
        runtime = runtime == null ? Runtime.AUTO : runtime;
        python = python == null || python.isBlank() ? DEFAULT_PYTHON : python.trim();
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        if (threadsPerWorker < 1) {
            throw new IllegalArgumentException("threads per worker must be at least 1, got " + threadsPerWorker);
        }
        if (asyncRequestsPerWorker < 1) {
            throw new IllegalArgumentException("async requests per worker must be at least 1, got " + asyncRequestsPerWorker);
        }
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
        }
        environment = environment == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(environment));
    }

    /** Memory a CPython worker process takes with a typical factories file loaded (measured: 25-40 MB). */
    static final long BYTES_PER_WORKER = 40L * 1024 * 1024;
    /** Worker processes per core beyond which more only add context switches (see capacity rps-saturation). */
    static final int WORKERS_PER_CORE = 4;

    /**
     * The most worker processes this machine can run: four per core, or as many as the available memory
     * holds at about 40 MB each, whichever is smaller (at least one).
     */
    public static int maxWorkers() {
        return maxWorkers(java.lang.Runtime.getRuntime().availableProcessors(), availableMemoryBytes());
    }

    static int maxWorkers(int cores, long availableBytes) {
        long byMemory = availableBytes <= 0 ? Long.MAX_VALUE : availableBytes / BYTES_PER_WORKER;
        return (int) Math.max(1, Math.min((long) WORKERS_PER_CORE * Math.max(1, cores), byMemory));
    }

    /**
     * Checks the worker count against {@link #maxWorkers()}: ten thousand Pythons would exhaust the machine's
     * memory and the JVM would die without a word.
     *
     * @throws FactoriesException naming the sampler property and the limit
     */
    public PythonOptions checkWorkers() throws FactoriesException {
        if (runtime == Runtime.JEP) {
            return this; // in-process: no worker processes
        }
        int cores = java.lang.Runtime.getRuntime().availableProcessors();
        long memory = availableMemoryBytes();
        int max = maxWorkers(cores, memory);
        if (workers > max) {
            throw new FactoriesException(workersProblem(workers, max, cores, memory));
        }
        return this;
    }

    static String workersProblem(int workers, int max, int cores, long availableBytes) {
        return Setting.WORKER_PROCESSES.ofElement() + " is " + workers + ", more than this machine can run: at most " + max + " here ("
                + WORKERS_PER_CORE + " per core on " + cores + " core" + (cores == 1 ? "" : "s")
                + (availableBytes > 0 ? ", about 40 MB each of " + availableBytes / (1024 * 1024) + " MB available memory"
                        : "")
                + "); give at most " + max + ", or spread the load over JMeter remote engines.";
    }

    /** MemAvailable of /proc/meminfo on Linux, else the JVM's view of free physical memory, else -1. */
    static long availableMemoryBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: ask the JVM
        }
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getFreeMemorySize();
        }
        return -1;
    }

    /** The defaults for a factories file: auto runtime, {@code python3}, one worker. */
    public static PythonOptions of(Path factoriesFile) {
        return new PythonOptions(factoriesFile, "", Runtime.AUTO, DEFAULT_PYTHON, DEFAULT_WORKERS,
                DEFAULT_THREADS_PER_WORKER, DEFAULT_ASYNC_REQUESTS_PER_WORKER, DEFAULT_REQUEST_TIMEOUT, Map.of());
    }

    public PythonOptions withEndpointName(String name) {
        return new PythonOptions(factoriesFile, name, runtime, python, workers, threadsPerWorker, asyncRequestsPerWorker, requestTimeout, environment);
    }

    public PythonOptions withRuntime(Runtime choice) {
        return new PythonOptions(factoriesFile, endpointName, choice, python, workers, threadsPerWorker, asyncRequestsPerWorker, requestTimeout, environment);
    }

    public PythonOptions withPython(String executable) {
        return new PythonOptions(factoriesFile, endpointName, runtime, executable, workers, threadsPerWorker, asyncRequestsPerWorker, requestTimeout, environment);
    }

    public PythonOptions withWorkers(int count) {
        return new PythonOptions(factoriesFile, endpointName, runtime, python, count, threadsPerWorker, asyncRequestsPerWorker, requestTimeout, environment);
    }

    public PythonOptions withThreadsPerWorker(int count) {
        return new PythonOptions(factoriesFile, endpointName, runtime, python, workers, count, asyncRequestsPerWorker, requestTimeout, environment);
    }

    public PythonOptions withAsyncRequestsPerWorker(int count) {
        return new PythonOptions(factoriesFile, endpointName, runtime, python, workers, threadsPerWorker, count, requestTimeout, environment);
    }

    public PythonOptions withRequestTimeout(Duration timeout) {
        return new PythonOptions(factoriesFile, endpointName, runtime, python, workers, threadsPerWorker, asyncRequestsPerWorker, timeout, environment);
    }

    public PythonOptions withEnvironment(Map<String, String> variables) {
        return new PythonOptions(factoriesFile, endpointName, runtime, python, workers, threadsPerWorker, asyncRequestsPerWorker, requestTimeout, variables);
    }

    /** The sample label: the endpoint name, or the factories file's name without {@code .py}. */
    public String label() {
        if (!endpointName.isEmpty()) {
            return endpointName;
        }
        String name = factoriesFile.getFileName().toString();
        return name.endsWith(".py") ? name.substring(0, name.length() - 3) : name;
    }
}
