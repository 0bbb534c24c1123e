package io.inferencebench.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.util.JMeterUtils;

import io.inferencebench.diagnostics.ClientBottleneck;
import io.inferencebench.diagnostics.ClientHardware;
import io.inferencebench.metrics.AwsOptions;
import io.inferencebench.metrics.EndpointConfig;
import io.inferencebench.metrics.EndpointConfigException;
import io.inferencebench.metrics.ServerMetrics;
import io.inferencebench.metrics.ServerMetricsReport;
import io.inferencebench.pacing.ArrivalSchedule;
import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.pacing.LatePolicy;
import io.inferencebench.pacing.LoadProfile;
import io.inferencebench.pacing.LoadProfileException;
import io.inferencebench.pacing.Pacer;
import io.inferencebench.python.FactoriesException;
import io.inferencebench.python.PythonFactorySampler;
import io.inferencebench.python.PythonOptions;
import io.inferencebench.python.PythonRuntime;
import io.inferencebench.python.PythonRuntimes;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.wave.ResultsBlock;
import io.inferencebench.wave.SampleFields;
import io.inferencebench.wave.WaveSummary;

/**
 * One wave from the command line: checks every input first (nothing is created on bad input), starts
 * the simulator when asked, builds the plan, runs it on the embedded JMeter engine, and writes the run
 * directory.
 */
final class Wave {
    /** Environment variable (and JMeter property {@code ib.endpoint.url}) with the endpoint's base URL. */
    static final String ENDPOINT_ENV = "IB_ENDPOINT_URL";

    private final WaveOptions o;
    private final Console console;
    private LoadProfile profile;
    private PythonOptions python;
    private EndpointConfig endpointConfig;
    private PythonRuntime pythonRuntime;
    private String body;
    private URI url;
    private RemoteEngines remote;

    Wave(WaveOptions options, Console console) {
        this.o = options;
        this.console = console;
    }

    int run() throws Exception {
        validate();
        if (remote != null) {
            remote.reach();
        }
        EndpointSimulator simulator = null;
        try {
            if (o.simulate != null) {
                simulator = EndpointSimulator.start(simulatorOptions());
                console.println("Endpoint simulator: " + simulator.baseUrl() + " (" + simulator.options().describe() + ")");
                if (url == null && python == null) {
                    url = URI.create(simulator.baseUrl() + "/invocations");
                }
            }
            if (python != null) {
                startPython(simulator);
            }
            return runWave(simulator);
        } finally {
            if (python != null && pythonRuntime != null) {
                PythonRuntimes.release(python);
            }
            if (simulator != null) {
                simulator.close();
            }
            console.close();
        }
    }

    /**
     * Starts the Python runtime before the run directory exists: every factories problem (file, syntax,
     * contract, invoke_factory raising, Python too old) is bad input, exit 2, nothing written.
     */
    private void startPython(EndpointSimulator simulator) {
        Map<String, String> env = new LinkedHashMap<>();
        String endpoint = endpointUrl(simulator);
        if (endpoint != null) {
            env.put(ENDPOINT_ENV, endpoint);
        }
        python = python.withEnvironment(env);
        try {
            pythonRuntime = PythonRuntimes.acquire(python, console::println);
        } catch (FactoriesException e) {
            throw new BadInputException(e.getMessage());
        }
        console.println(pythonRuntime.description());
    }

    /** What the wave exports as IB_ENDPOINT_URL: the simulator's base URL when it runs, else --url. */
    private String endpointUrl(EndpointSimulator simulator) {
        return simulator != null ? simulator.baseUrl() : url == null ? null : url.toString();
    }

    private SimulatorOptions simulatorOptions() {
        return SimulatorOptions.parse(o.simulate).withHost("127.0.0.1").withPort(0);
    }

    /** Every check that needs no side effect, so bad input leaves nothing behind. */
    void validate() {
        if (o.obsTime == null && o.numRequests == null && o.loadProfile == null) {
            throw new BadInputException("The wave has no end: give --obs-time S, --num-requests N, or both "
                    + "(whichever comes first ends it).");
        }
        if (o.obsTime != null && !(o.obsTime > 0)) {
            throw new BadInputException("--obs-time must be more than 0 seconds, got " + o.obsTime + ".");
        }
        if (o.numRequests != null && o.numRequests < 1) {
            throw new BadInputException("--num-requests must be at least 1, got " + o.numRequests + ".");
        }
        if (!(o.clientRps > 0) || Double.isInfinite(o.clientRps)) {
            throw new BadInputException("--client-rps must be more than 0 requests per second, got "
                    + o.clientRps + ".");
        }
        if (!(o.successThreshold >= 0 && o.successThreshold <= 1)) {
            throw new BadInputException("--success-threshold is a fraction between 0 and 1 (e.g. 0.95), got "
                    + o.successThreshold + ".");
        }
        if (o.maxThreads < 1) {
            throw new BadInputException("--max-threads must be at least 1, got " + o.maxThreads + ".");
        }
        if (o.clientHwInterval < 1) {
            throw new BadInputException("--client-hw-interval must be at least 1 ms, got " + o.clientHwInterval + ".");
        }
        if (!(o.grace >= 0)) {
            throw new BadInputException("--grace must be 0 seconds or more, got " + o.grace + ".");
        }
        try {
            profile = o.loadProfile != null ? LoadProfile.parse(o.loadProfile) : LoadProfile.constant(o.clientRps);
            ArrivalSchedule.Arrivals.parse(o.arrivals);
            LatePolicy.parse(o.latePolicy);
            timer().validate();
        } catch (LoadProfileException e) {
            String m = e.getMessage();
            throw new BadInputException(o.loadProfile != null && m.startsWith("In the load profile")
                    ? "--load-profile: " + m : m);
        }
        if (o.simulate != null) {
            simulatorOptions();
        }
        if (o.remote != null) {
            validateRemote();
        }
        if (o.factoriesFile != null) {
            if (o.workers < 1) {
                throw new BadInputException("--workers must be at least 1, got " + o.workers + ".");
            }
            try {
                python = PythonOptions.of(o.factoriesFile).withEndpointName(o.endpointName).withWorkers(o.workers)
                        .withPython(o.python).withRuntime(PythonOptions.Runtime.parse(o.pythonRuntime));
            } catch (FactoriesException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        if (o.url != null) {
            try {
                url = URI.create(o.url.trim());
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--url '" + o.url + "' is not a URL: give e.g. https://host/path.");
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
                throw new BadInputException("--url '" + o.url + "' must start with http:// or https:// and name a host.");
            }
        } else if (o.simulate == null && o.factoriesFile == null) {
            throw new BadInputException("Nothing to send requests to: give --factories-file F, --url URL, or "
                    + "--simulate to start the built-in endpoint simulator.");
        }
        if (o.endpointConfig != null) {
            try {
                endpointConfig = EndpointConfig.load(o.endpointConfig);
            } catch (EndpointConfigException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        body = body();
        for (String h : o.headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new BadInputException("--header '" + redactHeader(h) + "' is not Name:Value, e.g. --header 'X-Model: m1'.");
            }
        }
    }

    private void validateRemote() {
        remote = RemoteEngines.parse(o.remote);
        int n = remote.count();
        if (o.numRequests != null && o.numRequests % n != 0) {
            throw new BadInputException("--num-requests " + o.numRequests + " does not split evenly over " + n
                    + " remote engines: give a multiple of " + n + " (e.g. " + Math.max(n, o.numRequests / n * n)
                    + " or " + (o.numRequests / n + 1) * n + ").");
        }
        if (o.sampleClientHw) {
            throw new BadInputException("--sample-client-hw samples this machine, but with --remote the requests "
                    + "leave from the engines: drop one of the two flags.");
        }
    }

    private String body() {
        if (o.body == null) {
            return "{}";
        }
        if (o.body.startsWith("@")) {
            Path file = Path.of(o.body.substring(1));
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new BadInputException("--body " + o.body + ": cannot read " + file.toAbsolutePath()
                        + " (" + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())
                        + "); give a readable file or inline JSON.");
            }
        }
        return o.body;
    }

    private static String redactHeader(String h) {
        int colon = h.indexOf(':');
        return colon > 0 && PlanBuilder.isSecret(h.substring(0, colon)) ? h.substring(0, colon) + ": ***" : h;
    }

    ConstantRpsTimer timer() {
        ConstantRpsTimer t = new ConstantRpsTimer();
        t.setTargetRps(BigDecimal.valueOf(o.clientRps).stripTrailingZeros().toPlainString());
        t.setLoadProfile(o.loadProfile == null ? "" : o.loadProfile);
        t.setArrivals(o.arrivals);
        t.setSeed(o.seed);
        t.setDurationSeconds(o.obsTime == null ? "" : BigDecimal.valueOf(o.obsTime).toPlainString());
        t.setMaxArrivals(o.numRequests == null ? "" : Long.toString(o.numRequests));
        t.setLatePolicy(o.latePolicy);
        t.setMaxThreads(o.maxThreads);
        return t;
    }

    /** Seconds from the first start to the last one the schedule allows. */
    private double scheduleSeconds() {
        double s = Double.MAX_VALUE;
        if (o.obsTime != null) {
            s = o.obsTime;
        }
        BigDecimal profileSeconds = profile.seconds();
        if (profileSeconds != null) {
            s = Math.min(s, profileSeconds.doubleValue());
        }
        if (o.numRequests != null && profile.meanRate() > 0) {
            s = Math.min(s, o.numRequests / profile.meanRate());
        }
        return s;
    }

    private int initialThreads() {
        // Little's law for a 100 ms response, plus two spare: the timer grows the pool from there
        return (int) Math.min(o.maxThreads, Math.ceil(profile.peakRate() * 0.1) + 2);
    }

    private int runWave(EndpointSimulator simulator) throws Exception {
        Path runDir = RunDirectory.create(o.resultsDir, LocalDateTime.now());
        console.logTo(runDir.resolve("benchmark.log"));
        System.setProperty("ib.jmeter.log", runDir.resolve("jmeter.log").toString());
        ((org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false)).reconfigure();
        JMeterHome.initialise();
        JMeterUtils.setProperty("sample_variables", String.join(",", SampleFields.ALL));
        JMeterUtils.setProperty("ib.run.dir", runDir.toString());
        JMeterUtils.setProperty(io.inferencebench.pacing.ConstantRpsTimer.ENGINES_PROPERTY,
                remote == null ? "1" : Integer.toString(remote.count()));
        if (endpointUrl(simulator) != null) {
            JMeterUtils.setProperty("ib.endpoint.url", endpointUrl(simulator));
        }

        PlanBuilder plan = new PlanBuilder("InferenceBench wave", initialThreads(), timer(),
                Path.of("${__P(ib.run.dir,.)}", "results.jtl"), Path.of("${__P(ib.run.dir,.)}"), o.successThreshold);
        if (python != null) {
            PythonFactorySampler sampler = PythonFactorySampler.of(python);
            String endpoint = python.environment().get(ENDPOINT_ENV);
            if (endpoint != null && !endpoint.contains(",")) {
                // a re-run of plan.jmx points the workers elsewhere with -Jib.endpoint.url=...; this run
                // sets that property to the same URL, so the sampler meets the runtime started above
                sampler.setProperty("environment",
                        ENDPOINT_ENV + "=${__P(ib.endpoint.url," + endpoint + ")}\n");
            }
            plan.sampler(sampler);
        } else {
            plan.httpPost(url, body, o.headers);
        }
        for (String[] secret : plan.secretProperties()) {
            JMeterUtils.setProperty(secret[0], secret[1]);
        }
        plan.save(runDir.resolve("plan.jmx"));

        console.println(String.format(Locale.ROOT, "Wave: %s %s, %s, %s arrivals -> %s",
                python != null ? "invoke() of" : "POST to", python != null ? python.factoriesFile() : url, o.loadProfile != null ? "profile " + profile : rate(o.clientRps) + " req/s",
                o.arrivals, runDir));

        if (!o.noWarmup && remote == null) {
            Warmup.run(profile.peakRate());
        }
        ServerMetrics serverMetrics = endpointConfig == null ? null
                : ServerMetrics.start(endpointConfig, new AwsOptions(o.awsRegion, o.awsProfile));
        ClientHardware hardware = ClientHardware.start(o.clientHwInterval);
        long started = System.nanoTime();
        if (remote != null) {
            List<String> sent = new ArrayList<>(List.of("sample_variables", "ib.endpoint.url"));
            plan.secretProperties().forEach(p -> sent.add(p[0]));
            remote.run(plan.tree(), sent, scheduleSeconds(), o.grace, console);
        } else {
            runEmbedded(plan, started);
        }

        hardware.close();
        // remote: the pacers ran on the engines, the target is known here
        WaveSummary summary = remote == null ? plan.summary().summary()
                : new WaveSummary(plan.summary().statistics(), null, o.successThreshold, profile.meanRate());
        if (summary == null) {
            summary = new WaveSummary(plan.summary().statistics(), Pacer.report(), o.successThreshold, null);
        }
        summary.put("run_name", runDir.getFileName().toString());
        summary.put("mode", python != null ? "python" : "http");
        summary.put("target", python != null ? python.factoriesFile().toString() : url.toString());
        if (python != null) {
            Map<String, Object> py = new LinkedHashMap<>();
            py.put("workers", python.workers());
            py.put("endpoint_name", python.endpointName().isEmpty() ? null : python.endpointName());
            py.put("runtime", pythonRuntime.description());
            py.put("worker_restarts", pythonRuntime.restarts());
            summary.put("python", py);
        }
        summary.put("load_profile", o.loadProfile);
        summary.put("arrivals", o.arrivals);
        Map<String, Object> bounds = new LinkedHashMap<>();
        bounds.put("obs_time_s", o.obsTime);
        bounds.put("num_requests", o.numRequests);
        summary.put("bounds", bounds);
        if (remote != null) {
            summary.put("remote_engines", remote.names());
        }
        ClientBottleneck verdict = ClientBottleneck.judge(ClientBottleneck.evidence(summary,
                remote == null ? hardware : null, python == null ? 0 : python.workers(),
                pythonRuntime == null || pythonRuntime.precomputedPayloads()));
        if (o.sampleClientHw) {
            hardware.writeCsv(runDir.resolve(ClientHardware.CSV_FILE));
            summary.put("client_hw", hardware.summary());
        }
        summary.put("client_bottleneck", verdict.toMap());
        summary.write(runDir);

        console.println();
        for (String line : ResultsBlock.render(summary).split("\n")) {
            console.println(line);
        }
        if (o.sampleClientHw) {
            for (String line : ClientHardwareLines.render(hardware).split("\n")) {
                console.println(line);
            }
        }
        console.println();
        if (verdict.detected()) {
            for (String line : verdict.render().split("\n")) {
                console.println(line);
            }
            console.println();
        }
        if (serverMetrics != null) {
            // summary.json is already saved: a long CloudWatch wait (or Ctrl-C) cannot cost the wave's results
            try (serverMetrics) {
                ServerMetricsReport report = serverMetrics.finish(Instant.ofEpochMilli(summary.waveStartEpochMs),
                        Instant.ofEpochMilli(summary.waveEndEpochMs), console.asPrintStream());
                report.writeTo(runDir);
                summary.put("server_metrics", report);
                summary.write(runDir);
            }
            console.println();
        }
        console.println("Detailed results: " + runDir);
        return summary.passed ? Benchmark.PASSED : Benchmark.FAILED;
    }

    private void runEmbedded(PlanBuilder plan, long started) throws InterruptedException {
        StandardJMeterEngine engine = new StandardJMeterEngine();
        engine.configure(plan.tree());
        Thread runner = new Thread(engine::run, "ib-wave");
        runner.start();
        long deadline = started + (long) ((scheduleSeconds() + o.grace) * 1e9) + 2_000_000_000L;
        while (runner.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                console.println(String.format(Locale.ROOT,
                        "Grace period of %.0f s over: stopping requests still in flight (they count as failed).", o.grace));
                engine.stopTest(true);
                runner.join(30_000);
                break;
            }
            runner.join(Math.max(1, Math.min(left / 1_000_000L, 200)));
        }
    }

    private static String rate(double r) {
        return BigDecimal.valueOf(r).stripTrailingZeros().toPlainString();
    }
}
