package io.inferencebench.python;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.jmeter.samplers.AbstractSampler;
import org.apache.jmeter.samplers.Entry;
import org.apache.jmeter.samplers.Interruptible;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testbeans.gui.TestBeanGUI;
import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.inferencebench.outcome.TokenMetrics;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.testbean.BeanProperties;
import io.inferencebench.wave.PlanSections;
import io.inferencebench.wave.SampleFields;

/**
 * Python Factory Sampler: each sample is one call of the factories file's {@code invoke(payload)}.
 * All threads of the plan that share this element's settings share one {@link PythonRuntime},
 * started in {@code testStarted} and closed in {@code testEnded}. The sample's time is
 * {@code invoke}'s own time, measured in Python; the wait before it is the {@code ib_queue_ms}
 * variable, and what {@code invoke} returned in a dict fills the other {@link SampleFields}.
 */
public class PythonFactorySampler extends AbstractSampler implements TestBean, TestStateListener, Interruptible {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(PythonFactorySampler.class);
    /** Why the runtime could not start, per options, so every sample can say it. */
    private static final Map<PythonOptions, String> START_FAILURES = new java.util.concurrent.ConcurrentHashMap<>();

    private String factoriesFile = "";
    private String endpointName = "";
    private String runtime = "auto";
    private String python = PythonOptions.DEFAULT_PYTHON;
    private int workers = PythonOptions.DEFAULT_WORKERS;
    private int threadsPerWorker = PythonOptions.DEFAULT_THREADS_PER_WORKER;
    private int asyncRequestsPerWorker = PythonOptions.DEFAULT_ASYNC_REQUESTS_PER_WORKER;
    private int requestTimeoutSeconds = (int) PythonOptions.DEFAULT_REQUEST_TIMEOUT.toSeconds();
    private String environment = "";

    private transient PythonOptions options;
    private transient String label;
    private transient PythonRuntime running;
    private transient volatile CompletableFuture<Invocation> current;
    /** What a JMeter stop handed this (per-thread) sampler's waiting request, to tell it from invoke's own end. */
    private transient volatile Invocation cutOff;

    /**
     * Every setting starts at its default as a property too, so a plan that leaves one out (written by
     * hand, or by an older version) runs with the default rather than JMeter's 0 or "".
     */
    public PythonFactorySampler() {
        setFactoriesFile(factoriesFile);
        setEndpointName(endpointName);
        setRuntime(runtime);
        setPython(python);
        setWorkers(workers);
        setThreadsPerWorker(threadsPerWorker);
        setAsyncRequestsPerWorker(asyncRequestsPerWorker);
        setRequestTimeoutSeconds(requestTimeoutSeconds);
        setEnvironment(environment);
    }

    /**
     * A sampler for these options, with its settings as element properties (what JMeter clones
     * for each thread and saves in a plan) and the test bean GUI, as the GUI would build it.
     */
    public static PythonFactorySampler of(PythonOptions options) {
        PythonFactorySampler sampler = new PythonFactorySampler();
        sampler.setProperty(TestElement.TEST_CLASS, PythonFactorySampler.class.getName());
        sampler.setProperty(TestElement.GUI_CLASS, TestBeanGUI.class.getName());
        sampler.setName(options.label());
        sampler.setProperty("factoriesFile", options.factoriesFile().toString());
        sampler.setProperty("endpointName", options.endpointName());
        sampler.setProperty("runtime", options.runtime().name().toLowerCase(Locale.ROOT));
        sampler.setProperty("python", options.python());
        sampler.setProperty("workers", options.workers());
        sampler.setProperty("threadsPerWorker", options.threadsPerWorker());
        sampler.setProperty("asyncRequestsPerWorker", options.asyncRequestsPerWorker());
        sampler.setProperty("requestTimeoutSeconds", (int) Math.max(1, options.requestTimeout().toSeconds()));
        StringBuilder environment = new StringBuilder();
        options.environment().forEach((name, value) -> environment.append(name).append('=').append(value).append('\n'));
        sampler.setProperty("environment", environment.toString());
        return sampler;
    }

    /** The options this element's settings describe. */
    public PythonOptions options() throws FactoriesException {
        if (factoriesFile == null || factoriesFile.isBlank()) {
            throw new FactoriesException("The Python Factory Sampler has no factories file; set one.");
        }
        atLeastOne("Worker processes", workers);
        atLeastOne("Threads per worker", threadsPerWorker);
        atLeastOne("Async requests per worker", asyncRequestsPerWorker);
        atLeastOne("Request timeout (s)", requestTimeoutSeconds);
        return new PythonOptions(Path.of(factoriesFile.trim()), endpointName, PythonOptions.Runtime.parse(runtime),
                python, workers, threadsPerWorker, asyncRequestsPerWorker,
                Duration.ofSeconds(requestTimeoutSeconds), parseEnvironment(environment));
    }

    private static void atLeastOne(String field, int value) throws FactoriesException {
        if (value < 1) {
            throw new FactoriesException("The Python Factory Sampler's " + field + " is " + value + "; set it to 1 or more.");
        }
    }

    static Map<String, String> parseEnvironment(String text) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (text != null) {
            for (String line : text.split("\\R")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    variables.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        }
        return variables;
    }

    @Override
    public void testStarted() {
        try {
            PythonOptions wanted = options();
            START_FAILURES.remove(wanted);
            try {
                PythonRuntime started = PythonRuntimes.acquire(wanted, log::info);
                // a plan's Wave Summary and Client Bottleneck Detector learn the workers from this; they read it
                // at test end, perhaps after testEnded closed the runtime, so what the workers said is kept now
                WaveOutcome.Python atStart = started.section(wanted);
                PlanSections.register(wanted, outcome -> outcome.withPython(atStart.withWorkerRestarts(started.restarts())));
            } catch (FactoriesException e) {
                START_FAILURES.put(wanted, e.getMessage());
                log.error("{}", e.getMessage());
            }
        } catch (FactoriesException e) {
            log.error("{}", e.getMessage());
        }
    }

    @Override
    public void testStarted(String host) {
        testStarted();
    }

    @Override
    public void testEnded() {
        try {
            PythonOptions started = options();
            if (START_FAILURES.remove(started) == null) {
                PythonRuntimes.release(started);
            }
        } catch (FactoriesException e) {
            // nothing was started
        }
    }

    @Override
    public void testEnded(String host) {
        testEnded();
    }

    /** "[status 503] HTTPError: ..." : how the worker passes on the status an exception carried. */
    private static final Pattern CARRIED_STATUS = Pattern.compile("\\[status (\\d{3})] ");

    @Override
    public SampleResult sample(Entry entry) {
        SampleResult result = new SampleResult();
        PythonRuntime runtime;
        try {
            if (options == null) {
                options = options();
                label = options.label();
            }
            runtime = running != null ? running : (running = PythonRuntimes.running(options));
            if (runtime == null) {
                String why = START_FAILURES.getOrDefault(options, "the Python runtime is not running (the test did not start it)");
                return cannotRun(result, label, why);
            }
        } catch (FactoriesException e) {
            return cannotRun(result, getName(), e.getMessage());
        }
        result.setSampleLabel(label);
        long submitted = System.currentTimeMillis();
        CompletableFuture<Invocation> pending = runtime.submit();
        current = pending;
        Invocation invocation = pending.join();
        current = null;
        long end = System.currentTimeMillis();
        // a request cut off keeps the time it really ran, not 0: a 120 s endpoint must not read as fast
        long elapsed = invocation == cutOff ? end - submitted : Math.round(invocation.invokeNanos() / 1e6);
        result.setStampAndTime(end - elapsed, elapsed);
        result.setSuccessful(invocation.ok());
        result.setDataType(SampleResult.TEXT);
        String status = invocation.measurement("status");
        if (invocation.ok()) {
            result.setResponseCode(status.isEmpty() ? "200" : status);
            result.setResponseMessageOK();
        } else {
            String error = invocation.error();
            Matcher carried = CARRIED_STATUS.matcher(error == null ? "" : error);
            if (status.isEmpty() && carried.lookingAt()) {
                // the endpoint's own answer (a 503 stays a 503), as the worker found it on the exception
                status = carried.group(1);
                error = error.substring(carried.end());
            }
            result.setResponseCode(status.isEmpty() ? "500" : status);
            result.setResponseMessage(error);
        }
        String ttft = invocation.measurement("ttft_ms");
        result.setLatency(ttft.isEmpty() ? elapsed : Math.round(parseOr(ttft, elapsed)));
        if (!invocation.measurements().isEmpty()) {
            StringBuilder text = new StringBuilder();
            invocation.measurements().forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
            result.setResponseData(text.toString(), "UTF-8");
        }
        // Received bytes are what the endpoint sent, not the measurement text shown as response data.
        String bytes = invocation.measurement("response_bytes");
        long received = bytes.isEmpty() ? 0 : (long) parseOr(bytes, 0);
        result.setBodySize(received);
        result.setBytes(received);
        JMeterVariables variables = JMeterContextService.getContext().getVariables();
        if (variables != null) {
            variables.put(SampleFields.QUEUE_MS, millis(invocation.queueNanos()));
            variables.put(SampleFields.STATUS, status);
            variables.put(SampleFields.RESPONSE_BYTES, bytes);
            variables.put(SampleFields.INPUT_TOKENS, invocation.measurement("input_tokens"));
            variables.put(SampleFields.OUTPUT_TOKENS, invocation.measurement("output_tokens"));
            variables.put(SampleFields.TTFT_MS, ttft);
            // the token figures of a streamed answer (token_times_ms), with the native sampler's definitions
            String latency = invocation.measurement("request_latency_ms");
            String output = invocation.measurement("output_tokens");
            double itl = latency.isEmpty() || ttft.isEmpty() || output.isEmpty() ? Double.NaN
                    : TokenMetrics.interTokenLatencyMs(parseOr(latency, Double.NaN), parseOr(ttft, Double.NaN),
                            parseOr(output, Double.NaN));
            variables.put(SampleFields.TTST_MS, invocation.measurement("ttst_ms"));
            variables.put(SampleFields.REQUEST_LATENCY_MS, latency);
            variables.put(SampleFields.ITL_MS, Double.isNaN(itl) ? "" : Double.toString(itl));
            variables.put(SampleFields.TOKENS_COUNTED_AS, output.isEmpty() ? ""
                    : invocation.measurement("tokens_counted_as_chunks").isEmpty() ? TokenMetrics.COUNTED_AS_USAGE
                    : TokenMetrics.COUNTED_AS_CHUNKS);
        }
        return result;
    }

    /** Nanoseconds as milliseconds with three decimals, without the cost of a Formatter per sample. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1000;
        long fraction = micros % 1000;
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    /** JMeter's stop: the thread stops waiting; invoke itself runs on in Python and is forgotten. */
    @Override
    public boolean interrupt() {
        CompletableFuture<Invocation> pending = current;
        Invocation cut = Invocation.failed("the test was stopped while invoke ran");
        cutOff = cut;
        return pending != null && pending.complete(cut);
    }

    private static double parseOr(String number, double fallback) {
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** A failed sample that stops the test: nothing can be sampled with these settings. */
    private static SampleResult cannotRun(SampleResult result, String label, String why) {
        result.setSampleLabel(label);
        result.setStampAndTime(System.currentTimeMillis(), 0);
        result.setSuccessful(false);
        result.setResponseCode("500");
        result.setResponseMessage(why);
        result.setStopTest(true);
        return result;
    }

    public String getFactoriesFile() {
        return factoriesFile;
    }

    public void setFactoriesFile(String factoriesFile) {
        this.factoriesFile = factoriesFile;
        BeanProperties.mirror(this, "factoriesFile", factoriesFile);
    }

    public String getEndpointName() {
        return endpointName;
    }

    public void setEndpointName(String endpointName) {
        this.endpointName = endpointName;
        BeanProperties.mirror(this, "endpointName", endpointName);
    }

    public String getRuntime() {
        return runtime;
    }

    public void setRuntime(String runtime) {
        this.runtime = runtime;
        BeanProperties.mirror(this, "runtime", runtime);
    }

    public String getPython() {
        return python;
    }

    public void setPython(String python) {
        this.python = python;
        BeanProperties.mirror(this, "python", python);
    }

    public int getWorkers() {
        return workers;
    }

    public void setWorkers(int workers) {
        this.workers = workers;
        BeanProperties.mirror(this, "workers", workers);
    }

    public int getThreadsPerWorker() {
        return threadsPerWorker;
    }

    public void setThreadsPerWorker(int threadsPerWorker) {
        this.threadsPerWorker = threadsPerWorker;
        BeanProperties.mirror(this, "threadsPerWorker", threadsPerWorker);
    }

    public int getAsyncRequestsPerWorker() {
        return asyncRequestsPerWorker;
    }

    public void setAsyncRequestsPerWorker(int asyncRequestsPerWorker) {
        this.asyncRequestsPerWorker = asyncRequestsPerWorker;
        BeanProperties.mirror(this, "asyncRequestsPerWorker", asyncRequestsPerWorker);
    }

    public int getRequestTimeoutSeconds() {
        return requestTimeoutSeconds;
    }

    public void setRequestTimeoutSeconds(int requestTimeoutSeconds) {
        this.requestTimeoutSeconds = requestTimeoutSeconds;
        BeanProperties.mirror(this, "requestTimeoutSeconds", requestTimeoutSeconds);
    }

    public String getEnvironment() {
        return environment;
    }

    public void setEnvironment(String environment) {
        this.environment = environment;
        BeanProperties.mirror(this, "environment", environment);
    }

    /** The GUI's help link (a field of its own kind): nothing to set or save. */
    public String getHelp() {
        return "";
    }

    public void setHelp(String ignored) {
        // the link only opens the element's help
    }
}
