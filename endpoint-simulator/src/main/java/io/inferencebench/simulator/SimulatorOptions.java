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
            "stall", "ttft", "itl", "output-tokens", "tokens-per-chunk", "prefill-rate");

    private static final SimulatorOptions DEFAULTS = new SimulatorOptions("127.0.0.1", 0,
            LatencyDistribution.fixed(Duration.ZERO), 0, 0.0, null, null, Duration.ZERO, 16, 1, 0);

    private final String host;
    private final int port;
    private final LatencyDistribution latency;
    private final int capacity;
    private final double errorRate;
    private final StallWindow stall;
    private final LatencyDistribution ttft;
    private final Duration itl;
    private final int outputTokens;
    private final int tokensPerChunk;
    private final double prefillRate;

    private SimulatorOptions(String host, int port, LatencyDistribution latency, int capacity, double errorRate,
            StallWindow stall, LatencyDistribution ttft, Duration itl, int outputTokens, int tokensPerChunk,
            double prefillRate) {
        this.host = host;
        this.port = port;
        this.latency = latency;
        this.capacity = capacity;
        this.errorRate = errorRate;
        this.stall = stall;
        this.ttft = ttft;
        this.itl = itl;
        this.outputTokens = outputTokens;
        this.tokensPerChunk = tokensPerChunk;
        this.prefillRate = prefillRate;
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
        for (String part : commaSeparated.split(",", -1)) {
            if (part.contains("=") || pairs.isEmpty()) {
                pairs.add(part);
            } else {
                pairs.set(pairs.size() - 1, pairs.get(pairs.size() - 1) + "," + part);
            }
        }
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
        }
        return options;
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
                return withCapacity(parseInt(option, value, "a whole number of requests, 0 for unlimited"));
            case "error-rate":
                return withErrorRate(parseDouble(option, value));
            case "stall":
                return withStall(StallWindow.parse(option, value));
            case "ttft":
                return withTtft(LatencyDistribution.parse(option, value));
            case "itl":
                return withItl(DurationText.parse(option, value));
            case "output-tokens":
                return withOutputTokens(parseInt(option, value, "a positive whole number of tokens"));
            case "tokens-per-chunk":
                return withTokensPerChunk(parseInt(option, value, "a positive whole number of tokens"));
            case "prefill-rate":
                return withPrefillRate(parseRate(option, value));
            default:
                throw new SimulatorOptionsException("Option --simulate has the unknown key '" + key
                        + "': use one of " + String.join(", ", KEYS) + ".");
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
        return new SimulatorOptions(host.trim(), port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    public SimulatorOptions withPort(int port) {
        if (port < 0 || port > 65535) {
            throw new SimulatorOptionsException("Option --port has the bad value '" + port
                    + "': write a port number from 0 (any free port) to 65535.");
        }
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    public SimulatorOptions withLatency(LatencyDistribution latency) {
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    /** @param text {@code 50ms}, {@code uniform:20ms-80ms} or {@code lognormal:50ms,0.5} */
    public SimulatorOptions withLatency(String text) {
        return withLatency(LatencyDistribution.parse("--latency", text));
    }

    /** @param capacity requests in service at once, the rest queue; 0 means unlimited */
    public SimulatorOptions withCapacity(int capacity) {
        if (capacity < 0) {
            throw new SimulatorOptionsException("Option --capacity has the bad value '" + capacity
                    + "': write a whole number of requests, 0 for unlimited.");
        }
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    /** @param errorRate fraction of requests answered with HTTP 500, 0 to 1 */
    public SimulatorOptions withErrorRate(double errorRate) {
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw errorRateException("--error-rate", errorRate);
        }
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    public SimulatorOptions withStall(StallWindow stall) {
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    /** @param text {@code AT:FOR}, e.g. {@code 5s:3s} */
    public SimulatorOptions withStall(String text) {
        return withStall(StallWindow.parse("--stall", text));
    }

    /** @param ttft time to first token of completions; null to use the latency distribution */
    public SimulatorOptions withTtft(LatencyDistribution ttft) {
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    public SimulatorOptions withTtft(String text) {
        return withTtft(LatencyDistribution.parse("--ttft", text));
    }

    public SimulatorOptions withItl(Duration itl) {
        if (itl.isNegative()) {
            throw new SimulatorOptionsException("Option --itl has the bad value '" + itl
                    + "': write a non-negative duration such as 20ms.");
        }
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    public SimulatorOptions withItl(String text) {
        return withItl(DurationText.parse("--itl", text));
    }

    /** @param outputTokens tokens per completion when the request sets no {@code max_tokens} */
    public SimulatorOptions withOutputTokens(int outputTokens) {
        if (outputTokens < 1) {
            throw new SimulatorOptionsException("Option --output-tokens has the bad value '" + outputTokens
                    + "': write a positive whole number of tokens.");
        }
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
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
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens, tokensPerChunk, prefillRate);
    }

    /**
     * @param prefillRate prompt tokens the server reads per second: a completion's TTFT grows by
     *                    prompt tokens / rate (0: TTFT ignores the prompt)
     */
    public SimulatorOptions withPrefillRate(double prefillRate) {
        if (!(prefillRate >= 0) || Double.isInfinite(prefillRate)) {
            throw prefillException("--prefill-rate", prefillRate);
        }
        return new SimulatorOptions(host, port, latency, capacity, errorRate, stall, ttft, itl, outputTokens,
                tokensPerChunk, prefillRate);
    }

    // ---- accessors ----

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

    public int outputTokens() {
        return outputTokens;
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
        b.append(", output tokens ").append(outputTokens);
        if (prefillRate > 0) {
            b.append(", prefill ").append(prefillRate % 1 == 0 ? Long.toString((long) prefillRate) : Double.toString(prefillRate))
                    .append(" tokens/s");
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
