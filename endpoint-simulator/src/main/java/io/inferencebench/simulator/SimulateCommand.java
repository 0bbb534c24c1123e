package io.inferencebench.simulator;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code benchmark simulate}: runs the endpoint simulator in the foreground until interrupted.
 * Bad option values and a busy port print one sentence to stderr and return exit code 2.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a local inference endpoint (SageMaker-runtime and OpenAI-compatible paths, "
                + "Prometheus /metrics) with configurable latency, capacity, errors and stalls.")
public class SimulateCommand implements Callable<Integer> {

    /** Exit code for a value the user has to fix. */
    public static final int USAGE_ERROR = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    String port;

    @Option(names = "--latency", defaultValue = "0",
            description = "Service time per request: 50ms, uniform:20ms-80ms or lognormal:50ms,0.5 (median, sigma) (default: ${DEFAULT-VALUE}).")
    String latency;

    @Option(names = "--capacity", paramLabel = "N",
            description = "Requests served at once; the rest queue in arrival order; 0 = unlimited (default: 0).")
    String capacity;

    @Option(names = "--max-batch", paramLabel = "N",
            description = "An LLM server's batch limit: the same setting as --capacity (sequences generated at once, the rest queue).")
    String maxBatch;

    @Option(names = "--error-rate", defaultValue = "0",
            description = "Fraction of requests answered with HTTP 500 after their latency, 0 to 1 (default: ${DEFAULT-VALUE}).")
    String errorRate;

    @Option(names = "--stall", description = "AT:FOR, e.g. 5s:3s: stop answering for FOR starting AT after start.")
    String stall;

    @Option(names = "--ttft", description = "Time to first token of completions, same forms as --latency (default: the latency).")
    String ttft;

    @Option(names = "--itl", defaultValue = "0", description = "Time between tokens of completions (default: ${DEFAULT-VALUE}).")
    String itl;

    @Option(names = "--itl-per-seq", paramLabel = "D", defaultValue = "0",
            description = "What every other sequence in service adds to the time between tokens: "
                    + "ITL = itl + D x (in service - 1), read as each token is scheduled (default: ${DEFAULT-VALUE}).")
    String itlPerSeq;

    @Option(names = "--output-tokens", defaultValue = "16",
            description = "Tokens per completion: a number, used when the request sets no max_tokens; or a distribution "
                    + "drawn per request, uniform:32-96 or normal:64,8 (mean, sd), capped by the request's max_tokens "
                    + "(default: ${DEFAULT-VALUE}).")
    String outputTokens;

    @Option(names = "--seed", defaultValue = "" + SimulatorOptions.DEFAULT_SEED,
            description = "Seed of the draws made per request (output lengths, faults), so that runs repeat (default: ${DEFAULT-VALUE}).")
    String seed;

    @Option(names = "--tokens-per-chunk", defaultValue = "1",
            description = "Tokens each streamed chunk carries, spread over the same stream length (default: ${DEFAULT-VALUE}).")
    String tokensPerChunk;

    @Option(names = "--prefill-rate", paramLabel = "TOKENS_PER_S", defaultValue = "0",
            description = "Prompt tokens read per second: TTFT grows by prompt tokens / rate (default: ${DEFAULT-VALUE}, none).")
    String prefillRate;

    @Option(names = "--fault", paramLabel = "KIND=F,...",
            description = "Fractions of requests that meet a fault: reset=F (TCP reset), half=F (headers and half the body, "
                    + "then closed), close=F (closed without an answer), slow=F:DELAY (answered DELAY late), "
                    + "e.g. reset=0.01,half=0.01,close=0.01,slow=0.01:30s.")
    String fault;

    /** The options these flags describe. */
    public SimulatorOptions options() {
        SimulatorOptions o = withBatchLimit(SimulatorOptions.defaults().withHost(host)
                .withPort(number("--port", port, "a port number from 0 (any free port) to 65535"))
                .withLatency(latency))
                .withErrorRate(fraction(errorRate))
                .withItl(itl)
                .withItlPerSeq(itlPerSeq)
                .withOutputTokens(outputTokens)
                .withSeed(SimulatorOptions.parseSeed("--seed", seed))
                .withTokensPerChunk(number("--tokens-per-chunk", tokensPerChunk, "a positive whole number of tokens"));
        try {
            o = o.withPrefillRate(Double.parseDouble(prefillRate.trim()));
        } catch (NumberFormatException e) {
            throw new SimulatorOptionsException("Option --prefill-rate has the bad value '" + prefillRate
                    + "': write prompt tokens per second (e.g. 5000), or 0 for a TTFT that ignores the prompt.");
        }
        if (fault != null) {
            o = o.withFaults(fault);
        }
        if (stall != null) {
            o = o.withStall(stall);
        }
        if (ttft != null) {
            o = o.withTtft(ttft);
        }
        return o;
    }

    /** {@code --capacity} or its LLM name {@code --max-batch}; both may be given only when they agree. */
    private SimulatorOptions withBatchLimit(SimulatorOptions o) {
        String expected = "a whole number of requests, 0 for unlimited";
        Integer byCapacity = capacity == null ? null : number("--capacity", capacity, expected);
        Integer byBatch = maxBatch == null ? null : number("--max-batch", maxBatch, expected);
        if (byCapacity != null && byBatch != null && !byCapacity.equals(byBatch)) {
            throw SimulatorOptions.batchConflict("--capacity", byCapacity, "--max-batch", byBatch);
        }
        if (byBatch != null) {
            return o.withCapacity("--max-batch", byBatch);
        }
        return byCapacity == null ? o : o.withCapacity("--capacity", byCapacity);
    }

    private static int number(String option, String value, String expected) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new SimulatorOptionsException("Option " + option + " has the bad value '" + value
                    + "': write " + expected + ".");
        }
    }

    private static double fraction(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new SimulatorOptionsException("Option --error-rate has the bad value '" + value
                    + "': write a fraction from 0 to 1, e.g. 0.01 for 1% of requests answered with HTTP 500.");
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EndpointSimulator simulator;
        try {
            simulator = EndpointSimulator.start(options());
        } catch (SimulatorOptionsException e) {
            err.println(e.getMessage());
            err.flush();
            return USAGE_ERROR;
        }
        Thread closer = new Thread(simulator::close, "simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(closer);
        out.println("Endpoint simulator listening on " + simulator.baseUrl() + " (" + simulator.options().describe() + ")");
        out.flush();
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            simulator.close();
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        return 0;
    }
}
