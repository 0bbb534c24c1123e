package io.inferencebench.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.python.FactoriesException;
import io.inferencebench.python.PythonFactorySampler;
import io.inferencebench.python.PythonOptions;
import io.inferencebench.python.PythonRuntime;
import io.inferencebench.python.PythonRuntimes;

/**
 * Each request is one {@code invoke(payload)} of the user's factories file, on a Python runtime.
 *
 * @param endpointUrl the base URL the factories read as {@code IB_ENDPOINT_URL} ({@code --url}), or null
 */
public record PythonTarget(PythonOptions options, String endpointUrl) implements WaveTarget {
    /** Environment variable (and JMeter property {@code ib.endpoint.url}) with the endpoint's base URL. */
    public static final String ENDPOINT_ENV = "IB_ENDPOINT_URL";

    @Override
    public String mode() {
        return "python";
    }

    /**
     * Starts the runtime: every factories problem (file, syntax, contract, invoke_factory raising, Python
     * too old) is bad input, before the run directory exists.
     */
    @Override
    public Open open(String baseUrl, Console console) {
        Map<String, String> env = new LinkedHashMap<>();
        if (baseUrl != null) {
            env.put(ENDPOINT_ENV, baseUrl);
        }
        PythonOptions withEnv = options.withEnvironment(env);
        PythonRuntime runtime;
        try {
            runtime = PythonRuntimes.acquire(withEnv, console::println);
        } catch (FactoriesException e) {
            throw new BadInputException(e.getMessage());
        }
        console.println(runtime.description());
        return new Open() {
            @Override
            public void addTo(PlanBuilder plan) {
                PythonFactorySampler sampler = PythonFactorySampler.of(withEnv);
                if (baseUrl != null && !baseUrl.contains(",")) {
                    // a re-run of plan.jmx points the workers elsewhere with -Jib.endpoint.url=...; this run
                    // sets that property to the same URL, so the sampler meets the runtime started above
                    sampler.setProperty("environment", ENDPOINT_ENV + "=${__P(ib.endpoint.url,"
                            + Redaction.url(baseUrl).replace(",", "\\,") + ")}\n");
                }
                plan.sampler(sampler);
            }

            @Override
            public String describe() {
                return "invoke() of " + withEnv.factoriesFile();
            }

            @Override
            public String target() {
                return withEnv.factoriesFile().toString();
            }

            @Override
            public Map<String, String> properties() {
                // the run's workers already have the URL; a replay of plan.jmx reads it from this property
                return baseUrl == null ? Map.of() : Map.of("ib.endpoint.url", baseUrl);
            }

            @Override
            public WaveOutcome contribute(WaveOutcome outcome) {
                return outcome.withPython(runtime.section(withEnv));
            }

            @Override
            public void close() {
                PythonRuntimes.release(withEnv);
            }
        };
    }
}
