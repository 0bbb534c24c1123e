package io.inferencebench.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.inferencebench.cli.aiperf.AiperfOptions;
import io.inferencebench.diagnostics.ClientHardwareSection;
import io.inferencebench.metrics.AwsOptions;
import io.inferencebench.metrics.EndpointConfig;
import io.inferencebench.metrics.EndpointConfigException;
import io.inferencebench.metrics.ServerMetricsSection;
import io.inferencebench.outcome.Threshold;
import io.inferencebench.python.FactoriesException;
import io.inferencebench.python.PythonOptions;
import io.inferencebench.wave.Setting;
import picocli.CommandLine.Option;

/**
 * The flags that describe one wave (shared by the main command and the probes that run waves), and
 * their translation into a {@link WaveSpec}. The core's elements name their settings as the JMeter GUI
 * shows them; here each one becomes its flag ({@link #flag}).
 */
public class WaveOptions {
    /** A request's timeout without {@code --timeout}, HTTP and Python (an --openai stream keeps its sampler's). */
    static final double DEFAULT_TIMEOUT_SECONDS = 60;
    /** The flag of each setting the core's messages and remedies name. */
    private static final Map<Setting, String> FLAGS = new EnumMap<>(Map.ofEntries(
            Map.entry(Setting.TARGET_RATE, "--client-rps"), Map.entry(Setting.LOAD_PROFILE, "--load-profile"),
            Map.entry(Setting.ARRIVALS, "--arrivals"), Map.entry(Setting.POISSON_SEED, "--seed"),
            Map.entry(Setting.DURATION, "--obs-time"), Map.entry(Setting.NUMBER_OF_REQUESTS, "--num-requests"),
            Map.entry(Setting.LATE_POLICY, "--late-policy"), Map.entry(Setting.THREAD_CAP, "--max-threads"),
            Map.entry(Setting.WORKER_PROCESSES, "--workers"), Map.entry(Setting.PYTHON_EXECUTABLE, "--python"),
            Map.entry(Setting.SUCCESS_THRESHOLD, "--success-threshold")));

    @Option(names = "--factories-file", paramLabel = "FILE", description = "Python file with invoke_factory / payload_factory: each request is one invoke(payload).")
    Path factoriesFile;

    @Option(names = "--workers", paramLabel = "N", description = "Python worker processes (default ${DEFAULT-VALUE}; about one per core).", defaultValue = "1")
    int workers;

    @Option(names = "--endpoint-name", paramLabel = "NAME", description = "Passed to invoke_factory(endpoint_name); also the sample label.")
    String endpointName;

    @Option(names = "--python", paramLabel = "PATH", description = "Python 3.9+ executable for the workers (default ${DEFAULT-VALUE}).", defaultValue = "python3")
    String python;

    @Option(names = "--python-runtime", paramLabel = "auto|subprocess|jep", description = "Where invoke runs: CPython worker processes, or Jep in-process where installed (default ${DEFAULT-VALUE}).", defaultValue = "auto")
    String pythonRuntime;

    @Option(names = "--url", paramLabel = "URL", description = "Endpoint to POST to (plain HTTP(S) wave), or the base URL factories read as IB_ENDPOINT_URL.")
    String url;

    @Option(names = "--body", paramLabel = "JSON|@FILE", description = "Request body of the HTTP wave: inline JSON or @path/to/file (default {}).")
    String body;

    @Option(names = "--header", paramLabel = "K:V", description = "HTTP header for the wave, repeatable; secret-looking values never reach plan.jmx.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--client-rps", paramLabel = "R", description = "Target client requests per second, fractional allowed (default ${DEFAULT-VALUE}).", defaultValue = "10")
    double clientRps;

    @Option(names = "--load-profile", paramLabel = "PROFILE", description = "Rate over time instead of --client-rps: \"const(R,T) line(R1,R2,T) step(R1,R2,S,T)\".")
    String loadProfile;

    @Option(names = "--arrivals", paramLabel = "uniform|poisson", description = "Evenly spaced starts, or Poisson arrivals at the same mean rate (default ${DEFAULT-VALUE}).", defaultValue = "uniform")
    String arrivals;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the Poisson arrivals, to replay a schedule (default ${DEFAULT-VALUE}).", defaultValue = "42")
    String seed;

    @Option(names = "--obs-time", paramLabel = "S", description = "Wave length in seconds (with --num-requests: whichever ends first).")
    Double obsTime;

    @Option(names = "--num-requests", paramLabel = "N", description = "Number of requests to fire (with --obs-time: whichever ends first).")
    Long numRequests;

    @Option(names = "--max-threads", paramLabel = "N", description = "Cap of the self-sizing client thread pool; 0 (the default): automatic, which on Java 21+ "
            + "(virtual threads beyond the first 256) is set by file descriptors and heap, and on Java 17 is 2,000.", defaultValue = "0")
    int maxThreads;

    @Option(names = "--late-policy", paramLabel = "fire|drop:MS", description = "A start that finds every thread busy: fire it late, or drop it when more than MS late (default ${DEFAULT-VALUE}).", defaultValue = "fire")
    String latePolicy;

    @Option(names = "--grace", paramLabel = "S", description = "Seconds in-flight requests may take to finish after the last start (default ${DEFAULT-VALUE}).", defaultValue = "30")
    double grace;

    @Option(names = "--success-threshold", paramLabel = "F", description = "Minimum success rate 0-1 for the wave to pass, exit 0 (default ${DEFAULT-VALUE}).", defaultValue = "0.95")
    double successThreshold;

    @Option(names = "--results-dir", paramLabel = "DIR", description = "Where run directories go (default ${DEFAULT-VALUE}).", defaultValue = ".tmp")
    Path resultsDir;

    @Option(names = "--endpoint-config", paramLabel = "FILE", description = "Server metrics for the wave window (CloudWatch, Prometheus): the original tool's JSON list of blocks.")
    Path endpointConfig;

    @Option(names = "--aws-region", paramLabel = "REGION", description = "Region to read CloudWatch metrics in (default: the AWS SDK's chain).")
    String awsRegion;

    @Option(names = "--aws-profile", paramLabel = "NAME", description = "AWS profile for CloudWatch credentials and region (default: the SDK's chain).")
    String awsProfile;

    @Option(names = "--no-warmup", description = "Skip the 1 s warm-up against a private in-process endpoint before the wave.")
    boolean noWarmup;

    @Option(names = "--sample-client-hw", description = "Record client CPU, memory, threads, descriptors and GC into client_hw.csv and the RESULTS block.")
    boolean sampleClientHw;

    @Option(names = "--client-hw-interval", paramLabel = "MS", description = "Client hardware sample interval in ms (default ${DEFAULT-VALUE}).", defaultValue = "100")
    int clientHwInterval;

    @Option(names = "--remote", paramLabel = "HOST[:PORT],...", description = "Run the wave on these JMeter remote engines (jmeter-server), each sending 1/N of the rate; see docs/distributed.md.")
    String remote;

    @Option(names = "--threshold", paramLabel = "EXPR", description = "A gate on the outcome, repeatable, e.g. 'latency.p99<500ms', 'from_intended.p99<800ms', 'success_rate>=0.99', 'client_rps>=0.99*target'; a failed one exits 1.")
    List<String> thresholds = new ArrayList<>();

    @Option(names = "--allow-client-bottleneck", description = "Let a wave the client did not deliver (under-firing, dropped starts, thread cap) pass with a warning instead of exit 3.")
    boolean allowClientBottleneck;

    @Option(names = "--timeout", paramLabel = "S", description = "Seconds a request may take before it fails as timed out, HTTP, Python and --openai alike (default 60; --openai streams 600, whole seconds, rounded up).")
    Double timeout;

    @Option(names = "--quiet", description = "No live progress line during the wave.")
    boolean quiet;

    @Option(names = "--progress-interval", paramLabel = "S", description = "Seconds between progress lines when the output is not a terminal (default ${DEFAULT-VALUE}; a terminal redraws one line every second).", defaultValue = "10")
    double progressInterval;

    @Option(names = "--simulate", arity = "0..1", fallbackValue = "", paramLabel = "OPTIONS", description = "Start the built-in endpoint simulator for the wave, e.g. --simulate=latency=50ms,capacity=64,error-rate=0.01.")
    String simulate;

    /** The flag that sets {@code setting}. */
    public static String flag(Setting setting) {
        return FLAGS.get(setting);
    }

    /** A core message with every setting it names written as its flag. */
    public static String inFlags(String message) {
        return Setting.translate(message, FLAGS);
    }

    /** The wave these flags describe, checked whole: bad input throws before anything is created. */
    /** The LLM wave's flags: a separate mixin of {@code benchmark}, the same instance. */
    final OpenAiOptions openai = new OpenAiOptions();

    /** The aiperf flow's flags ({@code --aiperf}): a separate mixin of {@code benchmark}, the same instance. */
    final AiperfOptions aiperf = new AiperfOptions();

    public WaveSpec toSpec() {
        WaveSpec.Builder b = WaveSpec.builder().simulate(simulate).clientRps(clientRps).loadProfile(loadProfile)
                .arrivals(arrivals, seed).obsTime(obsTime).numRequests(numRequests).maxThreads(maxThreads)
                .latePolicy(latePolicy).grace(grace).successThreshold(successThreshold).resultsDir(resultsDir)
                .warmup(!noWarmup).allowClientBottleneck(allowClientBottleneck).progress(quiet, progressInterval);
        for (String t : thresholds) {
            b.threshold(Threshold.parse(t));
        }
        openai.waveSlos().forEach(b::threshold);
        if (awsRegion != null && awsRegion.isBlank()) {
            throw new BadInputException("--aws-region is empty: give a region such as us-east-1, or leave the flag out "
                    + "to use the AWS SDK's chain.");
        }
        if (clientHwInterval < 1) {
            throw new BadInputException("--client-hw-interval must be at least 1 ms, got " + clientHwInterval + ".");
        }
        if (remote != null) {
            if (sampleClientHw) {
                throw new BadInputException("--sample-client-hw samples this machine, but with --remote the requests "
                        + "leave from the engines: drop one of the two flags.");
            }
            b.engine(RemoteEngines.parse(remote));
        } else {
            // sampled for the client-bottleneck verdict always; reported with --sample-client-hw
            b.section(new ClientHardwareSection(clientHwInterval, sampleClientHw));
        }
        if (timeout != null && !(timeout > 0 && timeout <= 86_400)) {
            throw new BadInputException("--timeout must be more than 0 and at most 86400 seconds, got " + timeout + ".");
        }
        double seconds = timeout == null ? DEFAULT_TIMEOUT_SECONDS : timeout;
        java.time.Duration requestTimeout = java.time.Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
        URI endpoint = url == null ? null : url();
        WaveTarget target = null;
        // --model and --api-key are aiperf's too: not stray with --aiperf
        if (openai.requested() || openai.strayFlag(aiperf.requested()) != null) {
            // a stream may rightly take minutes: the sampler's own default, unless --timeout was given
            target = openai.target(endpoint, seed, factoriesFile, timeout == null ? 0 : (int) Math.ceil(timeout));
        } else if (factoriesFile != null) {
            target = new PythonTarget(python().withRequestTimeout(requestTimeout), endpoint == null ? null : endpoint.toString());
        } else if (endpoint != null || simulate != null) {
            target = new HttpTarget(endpoint, body(), headers(), requestTimeout);
        }
        b.target(target);
        EndpointConfig config = null;
        if (endpointConfig != null) {
            try {
                config = EndpointConfig.load(endpointConfig);
                b.section(new ServerMetricsSection(config, new AwsOptions(awsRegion, awsProfile)));
            } catch (EndpointConfigException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        aiperf.checkStray();
        if (aiperf.requested()) {
            // after the server metrics: their wait for the wave's window is over before aiperf starts
            b.section(aiperf.section(new AiperfOptions.Wave(endpoint, target, loadProfile == null ? clientRps : null,
                    numRequests, obsTime, openai.model, openai.apiKey, config, new AwsOptions(awsRegion, awsProfile),
                    endpointConfig)));
        }
        return b.build();
    }

    /**
     * The wave every step of {@code --find-max-rps} repeats at its own rate, for {@code stepTimeS} seconds:
     * checked whole like {@link #toSpec()}. The search sets each step's rate and length itself.
     */
    public WaveSpec toSearchSpec(double stepTimeS) {
        if (loadProfile != null) {
            throw new BadInputException("--find-max-rps sets the rate of each step itself: drop --load-profile.");
        }
        if (obsTime != null || numRequests != null) {
            throw new BadInputException("--find-max-rps runs each step for --step-time seconds: drop "
                    + (obsTime != null ? "--obs-time" : "--num-requests") + ".");
        }
        obsTime = stepTimeS;
        try {
            return toSpec();
        } finally {
            obsTime = null;
        }
    }

    private PythonOptions python() {
        if (workers < 1) {
            throw new BadInputException("--workers must be at least 1, got " + workers + ".");
        }
        try {
            return PythonOptions.of(factoriesFile).withEndpointName(endpointName).withWorkers(workers)
                    .withPython(python).withRuntime(PythonOptions.Runtime.parse(pythonRuntime));
        } catch (FactoriesException e) {
            throw new BadInputException(inFlags(e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(inFlags(e.getMessage()));
        }
    }

    private URI url() {
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--url '" + Redaction.url(url) + "' is not a URL: give e.g. https://host/path.");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
            throw new BadInputException("--url '" + Redaction.url(url) + "' must start with http:// or https:// and name a host.");
        }
        return u;
    }

    private String body() {
        if (body == null) {
            return "{}";
        }
        if (body.startsWith("@")) {
            Path file = Path.of(body.substring(1));
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new BadInputException("--body " + body + ": cannot read " + file.toAbsolutePath()
                        + " (" + (e instanceof NoSuchFileException ? "no such file" : e.getMessage())
                        + "); give a readable file or inline JSON.");
            }
        }
        return body;
    }

    private List<String> headers() {
        for (String h : headers) {
            String problem = PlanBuilder.headerProblem(h);
            if (problem != null) {
                throw new BadInputException(problem);
            }
        }
        return headers;
    }
}
