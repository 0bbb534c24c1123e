package io.inferencebench.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the simulated endpoint looks like: where it listens and how it behaves. Immutable; start
 * from {@link #defaults()} and change with the {@code with...} methods, or {@link #parse(String)}
 * the {@code --simulate=latency=50ms,capacity=64} form.
 *
 * <p>Completions ({@code /v1/...}) take TTFT + (tokens - 1) x ITL; when no TTFT is set the
 * latency distribution stands in for it, so {@code --latency} alone shapes every path.
 */
public final class SimulatorOptions {

    /** Keys of {@link #parse(String)}; each mirrors the {@code simulate} flag of the same name. */
    public static final List<String> KEYS = List.of("host", "port", "latency", "capacity", "error-rate",
            "stall", "ttft", "itl", "output-tokens", "tokens-per-chunk", "prefill-rate", "max-batch", "itl-per-seq", "seed", "fault");

    private static final List<String> FAULT_KINDS = List.of("reset", "half", "close", "slow");

    /** The seed of the output-length draws when none is given: a fixed one, so runs repeat. */
    public static final long DEFAULT_SEED = 1;

    private static final SimulatorOptions DEFAULTS = new SimulatorOptions();

    // Not final so that each wither can copy and change one; never changed once a wither returns.
    private String host = "127.0.0.1";
    private int port;
    private LatencyDistribution latency = LatencyDistribution.fixed(Duration.ZERO);
    private int capacity;
    private double errorRate;
    private StallWindow stall;
    private LatencyDistribution ttft;
    private Duration itl = Duration.ZERO;
    private Duration itlPerSeq = Duration.ZERO;
    private OutputLength outputLength = OutputLength.fixed(16);
    private int tokensPerChunk = 1;
    private double prefillRate;
    private long seed = DEFAULT_SEED;
    private FaultMix faults = FaultMix.none();

    private SimulatorOptions() {
    }

    private SimulatorOptions copy() {
        SimulatorOptions o = new SimulatorOptions();
        o.host = host;
        o.port = port;
        o.latency = latency;
        o.capacity = capacity;
        o.errorRate = errorRate;
        o.stall = stall;
        o.ttft = ttft;
        o.itl = itl;
        o.itlPerSeq = itlPerSeq;
        o.outputLength = outputLength;
        o.tokensPerChunk = tokensPerChunk;
        o.prefillRate = prefillRate;
        o.seed = seed;
        o.faults = faults;
        return o;
    }

    /**
     * 127.0.0.1, a free port, no latency, unlimited capacity, no errors, no stall, 16 output tokens
     * with no inter-token delay.
     */
    public static SimulatorOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Reads {@code key=value} pairs separated by commas, keys as in {@link #KEYS}; an empty text
     * gives the defaults. A comma inside a value ({@code latency=lognormal:50ms,0.5}) is kept
     * because the part after it has no {@code =}.
     *
     * @throws SimulatorOptionsException naming the key and the fix
     */
    public static SimulatorOptions parse(String commaSeparated) {
        SimulatorOptions options = DEFAULTS;
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return options;
        }
        List<String> pairs = new ArrayList<>();
        boolean inFault = false;
        for (String part : commaSeparated.split(",", -1)) {
            String key = part.contains("=") ? part.substring(0, part.indexOf('=')).trim().toLowerCase(Locale.ROOT) : null;
            // fault=reset=0.01,half=0.01 carries its own kind=fraction pairs
            boolean faultKind = key != null && inFault && FAULT_KINDS.contains(key);
            if (key != null && !faultKind || pairs.isEmpty()) {
                pairs.add(part);
                inFault = "fault".equals(key);
            } else {
                pairs.set(pairs.size() - 1, pairs.get(pairs.size() - 1) + "," + part);
            }
        }
        String batchKey = null;
        int batch = 0;
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new SimulatorOptionsException("Option --simulate has the bad part '" + pair
                        + "': write key=value pairs separated by commas, e.g. latency=50ms,capacity=64.");
            }
            String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            try {
                options = options.with(key, pair.substring(eq + 1).trim(), "--simulate " + key);
            } catch (SimulatorOptionsException e) {
                // the withers name the flag; here the user wrote a key of --simulate
                throw new SimulatorOptionsException(
                        e.getMessage().replace("Option --" + key + " ", "Option --simulate " + key + " "));
            }
            if (key.equals("capacity") || key.equals("max-batch")) {
                if (batchKey != null && !batchKey.equals(key) && batch != options.capacity) {
                    throw batchConflict("--simulate " + batchKey, batch, "--simulate " + key, options.capacity);
                }
                batchKey = key;
                batch = options.capacity;
            }
        }
        return options;
    }

    /** {@code --capacity} and {@code --max-batch} name one setting; two different values are a mistake. */
    static SimulatorOptionsException batchConflict(String option, int value, String otherOption, int otherValue) {
        return new SimulatorOptionsException("Options " + option + " " + value + " and " + otherOption + " "
                + otherValue + " disagree: they are one setting (requests served at once), so give one of them.");
    }

    private SimulatorOptions with(String key, String value, String option) {
        switch (key) {
            case "host":
                return withHost(value);
            case "port":
                return withPort(parseInt(option, value, "a port number from 0 (any free port) to 65535"));
            case "latency":
                return withLatency(LatencyDistribution.parse(option, value));
            case "capacity":
            case "max-batch":
                return withCapacity(option, parseInt(option, value, "a whole number of requests, 0 for unlimited"));
            case "error-rate":
                return withErrorRate(parseDouble(option, value));
            case "stall":
                return withStall(StallWindow.parse(option, value));
            case "ttft":
                return withTtft(LatencyDistribution.parse(option, value));
            case "itl":
                return withItl(DurationText.parse(option, value));
            case "itl-per-seq":
                return withItlPerSeq(DurationText.parse(option, value));
            case "output-tokens":
                return withOutputTokens(OutputLength.parse(option, value));
            case "tokens-per-chunk":
                return withTokensPerChunk(parseInt(option, value, "a positive whole number of tokens"));
            case "prefill-rate":
                return withPrefillRate(parseRate(option, value));
            case "seed":
                return withSeed(parseSeed(option, value));
            case "fault":
                return withFaults(FaultMix.parse(option, value));
            default:
                throw new SimulatorOptionsException("Option --simulate has the unknown key '" + key
                        + "': use one of " + String.join(", ", KEYS) + ".");
        }
    }

    static long parseSeed(String option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new SimulatorOptionsException("Option " + option + " has the bad value '" + value
                    + "': write a whole number, e.g. 42 (the same seed repeats the same output lengths).");
        }
    }

    private static int parseInt(String option, String value, String expected) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new SimulatorOptionsException("Option " + option + " has the bad value '" + value
                    + "': write " + expected + ".");
        }
    }

    private static double parseRate(String option, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw prefillException(option, value);
        }
    }

    private static SimulatorOptionsException prefillException(String option, Object value) {
        return new SimulatorOptionsException("Option " + option + " has the bad value '" + value
                + "': write prompt tokens per second (e.g. 5000), or 0 for a TTFT that ignores the prompt.");
    }

    private static double parseDouble(String option, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw errorRateException(option, value);
        }
    }

    private static SimulatorOptionsException errorRateException(String option, Object value) {
        return new SimulatorOptionsException("Option " + option + " has the bad value '" + value
                + "': write a fraction from 0 to 1, e.g. 0.01 for 1% of requests answered with HTTP 500.");
    }

    // ---- withers (the flags of the simulate command map one to one onto these) ----

    public SimulatorOptions withHost(String host) {
        if (host == null || host.isBlank()) {
            throw new SimulatorOptionsException(
                    "Option --host is empty: give an address to listen on, e.g. 127.0.0.1.");
        }
        SimulatorOptions o = copy();
        o.host = host.trim();
        return o;
    }

    public SimulatorOptions withPort(int port) {
        if (port < 0 || port > 65535) {
            throw new SimulatorOptionsException("Option --port has the bad value '" + port
                    + "': write a port number from 0 (any free port) to 65535.");
        }
        SimulatorOptions o = copy();
        o.port = port;
        return o;
    }

    public SimulatorOptions withLatency(LatencyDistribution latency) {
        SimulatorOptions o = copy();
        o.latency = latency;
        return o;
    }

    /** @param text {@code 50ms}, {@code uniform:20ms-80ms} or {@code lognormal:50ms,0.5} */
    public SimulatorOptions withLatency(String text) {
        return withLatency(LatencyDistribution.parse("--latency", text));
    }

    /**
     * @param capacity requests in service at once (an LLM server's batch limit, {@code --max-batch}),
     *                 the rest queue; 0 means unlimited
     */
    public SimulatorOptions withCapacity(int capacity) {
        return withCapacity("--capacity", capacity);
    }

    SimulatorOptions withCapacity(String option, int capacity) {
        if (capacity < 0) {
            throw new SimulatorOptionsException("Option " + option + " has the bad value '" + capacity
                    + "': write a whole number of requests, 0 for unlimited.");
        }
        SimulatorOptions o = copy();
        o.capacity = capacity;
        return o;
    }

    /** @param errorRate fraction of requests answered with HTTP 500, 0 to 1 */
    public SimulatorOptions withErrorRate(double errorRate) {
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw errorRateException("--error-rate", errorRate);
        }
        SimulatorOptions o = copy();
        o.errorRate = errorRate;
        return o;
    }

    public SimulatorOptions withStall(StallWindow stall) {
        SimulatorOptions o = copy();
        o.stall = stall;
        return o;
    }

    /** @param text {@code AT:FOR}, e.g. {@code 5s:3s} */
    public SimulatorOptions withStall(String text) {
        return withStall(StallWindow.parse("--stall", text));
    }

    /** @param ttft time to first token of completions; null to use the latency distribution */
    public SimulatorOptions withTtft(LatencyDistribution ttft) {
        SimulatorOptions o = copy();
        o.ttft = ttft;
        return o;
    }

    public SimulatorOptions withTtft(String text) {
        return withTtft(LatencyDistribution.parse("--ttft", text));
    }

    public SimulatorOptions withItl(Duration itl) {
        if (itl.isNegative()) {
            throw new SimulatorOptionsException("Option --itl has the bad value '" + itl
                    + "': write a non-negative duration such as 20ms.");
        }
        SimulatorOptions o = copy();
        o.itl = itl;
        return o;
    }

    public SimulatorOptions withItl(String text) {
        return withItl(DurationText.parse("--itl", text));
    }

    /**
     * @param itlPerSeq what every other sequence in service adds to the inter-token latency:
     *                  ITL = itl + itlPerSeq x (in service - 1), read as each token is scheduled
     */
    public SimulatorOptions withItlPerSeq(Duration itlPerSeq) {
        if (itlPerSeq.isNegative()) {
            throw new SimulatorOptionsException("Option --itl-per-seq has the bad value '" + itlPerSeq
                    + "': write a non-negative duration such as 0.5ms.");
        }
        SimulatorOptions o = copy();
        o.itlPerSeq = itlPerSeq;
        return o;
    }

    public SimulatorOptions withItlPerSeq(String text) {
        return withItlPerSeq(DurationText.parse("--itl-per-seq", text));
    }

    /** @param outputTokens tokens per completion when the request sets no {@code max_tokens} */
    public SimulatorOptions withOutputTokens(int outputTokens) {
        return withOutputTokens(OutputLength.fixed(outputTokens));
    }

    /** @param text {@code 64}, {@code uniform:32-96} or {@code normal:64,8} */
    public SimulatorOptions withOutputTokens(String text) {
        return withOutputTokens(OutputLength.parse("--output-tokens", text));
    }

    public SimulatorOptions withOutputTokens(OutputLength outputLength) {
        SimulatorOptions o = copy();
        o.outputLength = outputLength;
        return o;
    }

    /**
     * @param tokensPerChunk tokens a streamed chunk carries, as servers that batch their stream do; the
     *                       stream still lasts TTFT + (tokens - 1) x ITL
     */
    public SimulatorOptions withTokensPerChunk(int tokensPerChunk) {
        if (tokensPerChunk < 1) {
            throw new SimulatorOptionsException("Option --tokens-per-chunk has the bad value '" + tokensPerChunk
                    + "': write a positive whole number of tokens.");
        }
        SimulatorOptions o = copy();
        o.tokensPerChunk = tokensPerChunk;
        return o;
    }

    /**
     * @param prefillRate prompt tokens the server reads per second: a completion's TTFT grows by
     *                    prompt tokens / rate (0: TTFT ignores the prompt)
     */
    public SimulatorOptions withPrefillRate(double prefillRate) {
        if (!(prefillRate >= 0) || Double.isInfinite(prefillRate)) {
            throw prefillException("--prefill-rate", prefillRate);
        }
        SimulatorOptions o = copy();
        o.prefillRate = prefillRate;
        return o;
    }

    /** @param seed of the draws made per request (output lengths), so that a run repeats */
    public SimulatorOptions withSeed(long seed) {
        SimulatorOptions o = copy();
        o.seed = seed;
        return o;
    }

    /** @param faults the fractions of requests reset, half answered, closed unanswered or answered late */
    public SimulatorOptions withFaults(FaultMix faults) {
        SimulatorOptions o = copy();
        o.faults = faults;
        return o;
    }

    /** @param text {@code reset=0.01,half=0.01,close=0.01,slow=0.01:30s} */
    public SimulatorOptions withFaults(String text) {
        return withFaults(FaultMix.parse("--fault", text));
    }

    // ---- accessors ----

    public FaultMix faults() {
        return faults;
    }


    /** Prompt tokens per second of prefill; 0 means none. */
    public double prefillRate() {
        return prefillRate;
    }

    /** The time the prompt of {@code promptTokens} adds to TTFT. */
    long prefillNanos(int promptTokens) {
        return prefillRate > 0 ? Math.round(promptTokens / prefillRate * 1e9) : 0;
    }

    public int tokensPerChunk() {
        return tokensPerChunk;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public LatencyDistribution latency() {
        return latency;
    }

    /** 0 means unlimited. */
    public int capacity() {
        return capacity;
    }

    public double errorRate() {
        return errorRate;
    }

    /** null when the server never stalls. */
    public StallWindow stall() {
        return stall;
    }

    /** Time to first token of completions: the TTFT option, or the latency when none was set. */
    public LatencyDistribution ttft() {
        return ttft != null ? ttft : latency;
    }

    public Duration itl() {
        return itl;
    }

    /** Tokens per completion: a number (replaced by the request's max_tokens) or a distribution (capped by it). */
    public OutputLength outputTokens() {
        return outputLength;
    }

    public Duration itlPerSeq() {
        return itlPerSeq;
    }

    public long seed() {
        return seed;
    }

    /** For the start-up line: {@code latency 50ms, capacity unlimited, ...}; defaults left out past capacity. */
    public String describe() {
        StringBuilder b = new StringBuilder("latency ").append(latency.text())
                .append(", capacity ").append(capacity == 0 ? "unlimited" : Integer.toString(capacity));
        if (errorRate > 0) {
            b.append(", error rate ").append(errorRate);
        }
        if (stall != null) {
            b.append(", stall ").append(stall.text());
        }
        if (ttft != null) {
            b.append(", ttft ").append(ttft.text());
        }
        if (!itl.isZero()) {
            b.append(", itl ").append(DurationText.format(itl));
        }
        if (!itlPerSeq.isZero()) {
            b.append(", itl per sequence ").append(DurationText.format(itlPerSeq));
        }
        b.append(", output tokens ").append(outputLength.text());
        if ((outputLength.isDrawn() || faults.any()) && seed != DEFAULT_SEED) {
            b.append(", seed ").append(seed);
        }
        if (prefillRate > 0) {
            b.append(", prefill ").append(prefillRate % 1 == 0 ? Long.toString((long) prefillRate) : Double.toString(prefillRate))
                    .append(" tokens/s");
        }
        if (faults.any()) {
            b.append(", faults ").append(faults.text());
        }
        if (tokensPerChunk > 1) {
            b.append(", ").append(tokensPerChunk).append(" tokens per chunk");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "SimulatorOptions[" + host + ":" + port + ", " + describe() + "]";
    }
}
