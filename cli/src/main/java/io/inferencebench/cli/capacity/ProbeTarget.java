package io.inferencebench.cli.capacity;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.inferencebench.cli.BadInputException;
import io.inferencebench.cli.RunDirectory;
import io.inferencebench.python.FactoriesException;
import io.inferencebench.python.PythonOptions;
import io.inferencebench.python.PythonRuntime;
import io.inferencebench.python.PythonRuntimes;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import picocli.CommandLine.Option;

/** What the probes fire at: the factories file, pointed at --url, $IB_ENDPOINT_URL, or a private simulator. */
public class ProbeTarget {
    @Option(names = "--factories-file", required = true, paramLabel = "FILE", description = "Python file with invoke_factory / payload_factory.")
    Path factoriesFile;

    @Option(names = "--url", paramLabel = "URL", description = "Endpoint base URL given to the factories as IB_ENDPOINT_URL (default: $IB_ENDPOINT_URL, else a local simulator).")
    String url;

    @Option(names = "--simulate", paramLabel = "OPTIONS", defaultValue = "latency=50ms", description = "Options of the local simulator used when no URL is given (default ${DEFAULT-VALUE}).")
    String simulate;

    @Option(names = "--endpoint-name", paramLabel = "NAME", description = "Passed to invoke_factory(endpoint_name).")
    String endpointName;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = "python3", description = "Python 3.9+ executable (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--results-dir", paramLabel = "DIR", defaultValue = ".tmp", description = "Where the run directory goes (default ${DEFAULT-VALUE}).")
    Path resultsDir;

    private EndpointSimulator simulator;

    /** Every check that needs no side effect, before anything starts: bad input leaves nothing behind. */
    void check() {
        if (url != null) {
            java.net.URI uri;
            try {
                uri = java.net.URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new BadInputException("--url '" + url + "' must start with http:// or https:// and name a host, "
                        + "e.g. --url http://127.0.0.1:8080.");
            }
        } else {
            SimulatorOptions.parse(simulate); // a bad --simulate is one sentence (exit 2) before any Python starts
        }
        RunDirectory.checkWritable(resultsDir);
    }

    /** {@code value} when it is a finite number above 0 and at most {@code max}, else bad input naming {@code flag}. */
    static double positive(String flag, double value, double max, String unit) {
        if (!(value > 0) || value > max) {
            throw new BadInputException(flag + " must be more than 0 and at most " + text(max) + " " + unit + ", got "
                    + text(value) + ".");
        }
        return value;
    }

    static String text(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Starts the simulator when no endpoint was given; returns the URL the factories will use. */
    String endpoint() {
        if (url != null) {
            return url;
        }
        String env = System.getenv("IB_ENDPOINT_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        if (simulator == null) {
            simulator = EndpointSimulator.start(SimulatorOptions.parse(simulate).withHost("127.0.0.1").withPort(0));
        }
        return simulator.baseUrl();
    }

    String describeEndpoint() {
        return simulator != null ? simulator.baseUrl() + " (local simulator, " + simulator.options().describe() + ")"
                : endpoint();
    }

    /** A runtime of {@code workers} CPython processes; bad factories are bad input (exit 2). */
    PythonRuntime start(int workers, Consumer<String> notices) {
        try {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("IB_ENDPOINT_URL", endpoint());
            return PythonRuntimes.acquire(options(workers).withEnvironment(env), notices);
        } catch (FactoriesException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    void release(int workers) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IB_ENDPOINT_URL", endpoint());
        PythonRuntimes.release(options(workers).withEnvironment(env));
    }

    private PythonOptions options(int workers) {
        return PythonOptions.of(factoriesFile).withEndpointName(endpointName).withPython(python)
                .withRuntime(PythonOptions.Runtime.SUBPROCESS).withWorkers(workers);
    }

    void close() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }
}
