package io.inferencebench.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import io.inferencebench.simulator.FaultMix.Fault;

/**
 * A local inference endpoint: SageMaker-runtime invocations, OpenAI-compatible completions (JSON
 * or a server-sent event stream) and Prometheus metrics, with the latency, capacity, errors and
 * stall of {@link SimulatorOptions}.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: no dependency, HTTP/1.1 keep-alive, and
 * an exchange may be completed after {@code handle()} returns (the JDK server only ends it when
 * the response body is closed), so a delayed answer is a task on a {@link ScheduledThreadPoolExecutor}
 * rather than a parked thread: thousands of requests can wait at once on a handful of threads.
 * A few thousand requests/s is what a JMeter client reaches; this server's own ceiling is
 * measured in {@code docs/simulator.md}, well above that, so Netty's extra weight buys nothing here.
 */
public final class EndpointSimulator implements AutoCloseable {

    static {
        // Read once, when the JDK server's configuration class loads. Without TCP_NODELAY the
        // server's separate header and body writes meet Nagle's algorithm and delayed ACKs on
        // keep-alive connections; with the default cap of 200 idle connections, more clients than
        // that would be disconnected after every answer.
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        setIfAbsent("sun.net.httpserver.maxIdleConnections", "100000");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Streaming parser only: counting instances needs no tree, and databind costs start-up time. */
    private static final JsonFactory JSON = new JsonFactory();
    private static final String JSON_TYPE = "application/json";
    private static final int HTTP_THREADS = Math.max(4, Runtime.getRuntime().availableProcessors());
    private static final int TIMER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** The least that {@link #atPrecisely} wakes early by; shorter waits are not split. */
    private static final long LANDING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final byte[] SIMULATED_ERROR_OPENAI = ("{\"error\":{\"message\":\"Simulated server error.\","
            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}").getBytes(StandardCharsets.UTF_8);
    private static final String PATHS = "POST /invocations, POST /endpoints/{name}/invocations, "
            + "POST /endpoints/{name}/invocations-response-stream, "
            + "POST /v1/chat/completions, POST /v1/completions or GET /metrics";
    /** The header boto3 sends for {@code InferenceComponentName}. */
    static final String INFERENCE_COMPONENT = "X-Amzn-SageMaker-Inference-Component";
    private static final String RESPONSE_STREAM = "/invocations-response-stream";

    private final SimulatorOptions options;
    private final HttpServer server;
    /** Holds the clients' sockets when faults break connections (reset, half, close); else null, and clients talk to the server. */
    private final ConnectionFront front;
    private final ExecutorService httpThreads;
    private final ScheduledThreadPoolExecutor timer;
    /**
     * The streams' first chunks, on a thread of their own: on the shared timer a first chunk due now waited behind the
     * following chunks of every other stream (64 a stream, 32,000 a second at 500 streams/s), which is TTFT's tail.
     */
    private final ScheduledThreadPoolExecutor firstChunks;
    private final ServiceQueue queue;
    private final SimulatorMetrics metrics;
    private final long startedNanos;
    /** The run's draws; each request takes its own split, so a seed repeats a run's sequence of requests. */
    private final SplittableRandom draws;
    private volatile boolean closed;

    private EndpointSimulator(SimulatorOptions options) {
        this.options = options;
        this.draws = new SplittableRandom(options.seed());
        this.timer = new ScheduledThreadPoolExecutor(TIMER_THREADS, daemonThreads("simulator-timer"));
        this.firstChunks = new ScheduledThreadPoolExecutor(1, daemonThreads("simulator-first-chunk"));
        this.queue = new ServiceQueue(options.capacity(), timer);
        this.metrics = new SimulatorMetrics(queue);
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (address.isUnresolved()) {
            timer.shutdownNow();
            firstChunks.shutdownNow();
            throw new SimulatorOptionsException("Option --host has the bad value '" + options.host()
                    + "': give an address of this machine to listen on, e.g. 127.0.0.1.");
        }
        ServerSocket listener = null;
        try {
            if (options.faults().breaksConnections()) {
                // breaking a connection needs the client's socket, which the JDK server does not give: a front holds it
                listener = new ServerSocket();
                listener.bind(address, 4096);
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            } else {
                server = HttpServer.create(address, 4096);
            }
        } catch (IOException e) {
            timer.shutdownNow();
            firstChunks.shutdownNow();
            if (listener != null) {
                try {
                    listener.close();
                } catch (IOException ignored) {
                    // not listening anyway
                }
            }
            throw cannotListen(options, e);
        }
        front = listener == null ? null : new ConnectionFront(listener, server.getAddress());
        httpThreads = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads("simulator-http"));
        server.setExecutor(httpThreads);
        server.createContext("/", this::handle);
        startedNanos = System.nanoTime();
        timer.scheduleAtFixedRate(metrics::snapshot, 1, 1, TimeUnit.SECONDS);
        server.start();
        // loads the JSON tree classes off the request path, so the first completion is not an outlier
        timer.execute(Completion::warmUp);
    }

    private static SimulatorOptionsException cannotListen(SimulatorOptions options, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof BindException && message.contains("in use")) {
            return new SimulatorOptionsException("Port " + options.port() + " on " + options.host()
                    + " is already in use: stop what listens there or choose another with --port (0 picks a free one).",
                    e);
        }
        if (e instanceof BindException) {
            return new SimulatorOptionsException("Cannot listen on " + options.host() + ":" + options.port() + " ("
                    + message + "): give an address of this machine with --host, e.g. 127.0.0.1.", e);
        }
        return new SimulatorOptionsException("Cannot listen on " + options.host() + ":" + options.port() + " ("
                + e.getMessage() + "): check --host and --port.", e);
    }

    /**
     * Starts serving at once on {@code options.host():options.port()} (port 0: a free port).
     *
     * @throws SimulatorOptionsException when the address cannot be bound (e.g. the port is in use)
     */
    public static EndpointSimulator start(SimulatorOptions options) {
        return new EndpointSimulator(options);
    }

    public SimulatorOptions options() {
        return options;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return front != null ? front.port() : server.getAddress().getPort();
    }

    /** E.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String baseUrl() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port();
    }

    /** Requests received on the invocation and completion paths, answered or not. */
    public long requestCount() {
        return metrics.receivedCount();
    }

    /** Requests on the invocation and completion paths answered with {@code status}. */
    public long requestCount(int status) {
        return metrics.answeredCount(status);
    }

    /** Client connections the front relays (faults that break connections only), else 0. */
    int frontConnections() {
        return front == null ? 0 : front.open();
    }

    /** Requests that met {@code fault} ({@code --fault}). */
    public long faultCount(Fault fault) {
        return metrics.faultCount(fault);
    }

    /** Stops at once: open connections are closed and unanswered requests are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (front != null) {
            front.close();
        }
        server.stop(0);
        timer.shutdownNow();
        firstChunks.shutdownNow();
        httpThreads.shutdownNow();
    }

    // ---- request handling ----

    private void handle(HttpExchange exchange) {
        long arrival = System.nanoTime();
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/metrics")) {
                byte[] body = metrics.exposition().getBytes(StandardCharsets.UTF_8);
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", body);
                return;
            }
            if (path.equals("/ping") || path.equals("/health")) {
                send(exchange, 200, JSON_TYPE, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String endpointName = invocationEndpoint(path);
            String streamingEndpoint = endpointName == null ? responseStreamEndpoint(path) : null;
            boolean chat = path.equals("/v1/chat/completions");
            boolean completion = chat || path.equals("/v1/completions");
            if (endpointName == null && streamingEndpoint == null && !completion) {
                exchange.getRequestBody().readAllBytes();
                send(exchange, 404, JSON_TYPE, errorJson("No such path " + path + "; use " + PATHS + "."));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            metrics.received();
            if (!method.equals("POST")) {
                answerNow(exchange, arrival, 405, errorJson("Use POST on " + path + "."));
                return;
            }
            RandomGenerator draws = requestDraws();
            if (streamingEndpoint != null) {
                Completion c;
                try {
                    c = Completion.parse(body, true, options.outputTokens(), draws).streamed();
                } catch (Completion.BadRequest e) {
                    answerSageMakerError(exchange, arrival, 400, "ValidationError", e.getMessage());
                    return;
                }
                exchange.getResponseHeaders().set("x-Amzn-Invoked-Production-Variant", "AllTraffic");
                queue.submit(new TokenStream(exchange, arrival, c, true, options.faults().pick(draws)));
            } else if (completion) {
                Completion c;
                try {
                    c = Completion.parse(body, chat, options.outputTokens(), draws);
                } catch (Completion.BadRequest e) {
                    answerNow(exchange, arrival, 400, errorJson(e.getMessage()));
                    return;
                }
                Fault fault = options.faults().pick(draws);
                queue.submit(c.stream() ? new TokenStream(exchange, arrival, c, false, fault)
                        : new Reply(exchange, arrival, options.ttft(), c.json(), c.tokens(), false,
                                options.prefillNanos(c.promptTokens()), fault));
            } else {
                exchange.getResponseHeaders().set("x-Amzn-Invoked-Production-Variant", "AllTraffic");
                Completion chatInvocation = chatInvocation(body, draws);
                Fault fault = options.faults().pick(draws);
                if (chatInvocation != null) {
                    // an LLM container's Messages API (TGI, LMI): answered as a chat completion, timed as one
                    queue.submit(new Reply(exchange, arrival, options.ttft(), chatInvocation.json(),
                            chatInvocation.tokens(), true, options.prefillNanos(chatInvocation.promptTokens()), fault));
                } else {
                    String component = exchange.getRequestHeaders().getFirst(INFERENCE_COMPONENT);
                    queue.submit(new Reply(exchange, arrival, options.latency(),
                            predictions(body, endpointName, component), 0, true, 0, fault));
                }
            }
        } catch (IOException | RuntimeException e) {
            exchange.close();
        }
    }

    /** The endpoint name of a SageMaker-runtime invocation path, or null for any other path. */
    private static String invocationEndpoint(String path) {
        if (path.equals("/invocations")) {
            return "simulator";
        }
        if (path.startsWith("/endpoints/") && path.endsWith("/invocations")) {
            String name = path.substring("/endpoints/".length(), path.length() - "/invocations".length());
            if (!name.isEmpty() && name.indexOf('/') < 0) {
                return URLDecoder.decode(name, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The endpoint name of a SageMaker-runtime response-stream path, or null for any other path. */
    private static String responseStreamEndpoint(String path) {
        if (path.startsWith("/endpoints/") && path.endsWith(RESPONSE_STREAM)) {
            String name = path.substring("/endpoints/".length(), path.length() - RESPONSE_STREAM.length());
            if (!name.isEmpty() && name.indexOf('/') < 0) {
                return URLDecoder.decode(name, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The chat completion an invocation body with top-level {@code messages} asks for, else null. */
    private Completion chatInvocation(byte[] body, RandomGenerator draws) {
        if (!hasMessages(body)) {
            return null;
        }
        try {
            return Completion.parse(body, true, options.outputTokens(), draws);
        } catch (Completion.BadRequest e) {
            return null; // a model would answer whatever it makes of it: predictions, as for any other body
        }
    }

    /** Whether the body is a JSON object with a top-level {@code messages} field. */
    static boolean hasMessages(byte[] body) {
        if (body.length == 0 || body[0] != '{' && !Character.isWhitespace(body[0])) {
            return false;
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (p.currentName().equals("messages")) {
                    return true;
                }
                p.nextToken();
                p.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * One prediction per input instance ({@code {"instances": [...]}} or a JSON array), else one;
     * bodies that are not JSON (CSV, images) are accepted as one instance, as real models do.
     */
    private static byte[] predictions(byte[] body, String endpointName, String inferenceComponent) {
        int n = Math.max(1, instances(body));
        StringBuilder b = new StringBuilder(48 + 5 * n).append("{\"predictions\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "0.5" : ",0.5");
        }
        b.append("],\"endpoint\":\"").append(JsonStringEncoder.getInstance().quoteAsString(endpointName)).append('"');
        if (inferenceComponent != null) {
            b.append(",\"inference_component\":\"")
                    .append(JsonStringEncoder.getInstance().quoteAsString(inferenceComponent)).append('"');
        }
        b.append('}');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Elements of a top-level JSON array or of an object's {@code instances} array; 0 for anything else. */
    static int instances(byte[] body) {
        if (body.length == 0) {
            return 0;
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    boolean isInstances = p.currentName().equals("instances");
                    if (p.nextToken() == JsonToken.START_ARRAY && isInstances) {
                        return countElements(p);
                    }
                    p.skipChildren();
                }
                return 0;
            }
            return first == JsonToken.START_ARRAY ? countElements(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Counts the elements of the array whose start the parser is on. */
    private static int countElements(JsonParser p) throws IOException {
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            p.skipChildren();
            n++;
        }
        return n;
    }

    private static byte[] errorJson(String message) {
        return ("{\"error\":{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message))
                + "\",\"type\":\"invalid_request_error\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** An error in SageMaker-runtime's shape, which boto3 raises as a ClientError with this code and message. */
    private void answerSageMakerError(HttpExchange exchange, long arrival, int status, String code, String message) {
        exchange.getResponseHeaders().set("x-Amzn-ErrorType", code);
        answerNow(exchange, arrival, status, ("{\"message\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private void answerNow(HttpExchange exchange, long arrival, int status, byte[] body) {
        metrics.answered(status, arrival);
        send(exchange, status, JSON_TYPE, body);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body);
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    /** This request's own random draws, or null when the options draw nothing per request. */
    private RandomGenerator requestDraws() {
        if (!options.outputTokens().isDrawn() && !options.faults().any()) {
            return null;
        }
        synchronized (draws) {
            return draws.split();
        }
    }

    /**
     * Ends a request with a fault instead of its answer: a reset, a close without an answer, or the
     * status line, headers and half the body, then a close. The front breaks the client's connection;
     * the server still answers in full, and closes, so that its own bookkeeping of the connection ends
     * as usual (an exchange ended short stays in the JDK server's connection sets for good).
     */
    private void breakOff(HttpExchange exchange, long arrival, Fault fault, String contentType, byte[] body) {
        metrics.faulted(fault, arrival);
        InetSocketAddress client = exchange.getRemoteAddress();
        if (fault == Fault.RESET) {
            front.reset(client);
        } else if (fault == Fault.CLOSE) {
            front.close(client);
        } else {
            front.cutAfter(client, body.length / 2);
        }
        exchange.getResponseHeaders().set("Connection", "close");
        send(exchange, 200, contentType == null ? JSON_TYPE : contentType, body == null ? new byte[0] : body);
    }

    private boolean fails() {
        double rate = options.errorRate();
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    /** When work that may begin at {@code beginNanos} and takes {@code serviceNanos} is done, stall included. */
    private long finishNanos(long beginNanos, long serviceNanos) {
        StallWindow stall = options.stall();
        return stall == null ? beginNanos + serviceNanos : stall.finishNanos(startedNanos, beginNanos, serviceNanos);
    }

    /** Runs {@code task} at {@code atNanos}, or now on this thread when that time has come. */
    private void at(long atNanos, Runnable task) {
        at(timer, atNanos, task);
    }

    /** Runs {@code task} on {@code on} at {@code atNanos}, or now on this thread when that time has come. */
    private void at(ScheduledThreadPoolExecutor on, long atNanos, Runnable task) {
        long delay = atNanos - System.nanoTime();
        if (delay <= 0) {
            task.run();
        } else if (!closed) {
            on.schedule(task, delay, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * {@link #at(ScheduledThreadPoolExecutor, long, Runnable)} for a request's one long deadline (its latency, its
     * TTFT): it wakes a sixteenth of the wait early, then waits out the rest. Why: a timed wait can end late by a
     * share of its length, not by a constant (on the 2-core VM we build on, 1-2.5%: 200 ms read 202-205 ms, in Java
     * and Python alike), and a client that reads TTFT within 1% must not be measuring the simulator's timer. The rest
     * is a sixteenth of the wait, so its own lateness is a sixteenth as large (0.1-0.2 ms of a 200 ms TTFT); it costs
     * one timer event more per request, not per chunk (a chunk's deadline is an ITL after the one before, so a short
     * wait's lateness is all it has).
     */
    private void atPrecisely(ScheduledThreadPoolExecutor on, long atNanos, Runnable task) {
        long delay = atNanos - System.nanoTime();
        if (delay <= 2 * LANDING_NANOS || closed) {
            at(on, atNanos, task);
        } else {
            long early = Math.max(delay / 16, LANDING_NANOS);
            on.schedule(() -> at(on, atNanos, task), delay - early, TimeUnit.NANOSECONDS);
        }
    }

    /** A one-piece answer after one sampled service time. */
    private final class Reply implements ServiceQueue.Job {
        private final HttpExchange exchange;
        private final long arrival;
        private final LatencyDistribution serviceTime;
        private final byte[] body;
        private final int tokens;
        private final boolean sageMaker;
        private final long prefillNanos;
        private final Fault fault;

        /**
         * @param tokens completion tokens in the body, each after the first adding an ITL; 0 for an invocation
         * @param sageMaker whether errors take the SageMaker-runtime shape rather than OpenAI's
         * @param fault what goes wrong with the answer, or null
         */
        Reply(HttpExchange exchange, long arrival, LatencyDistribution serviceTime, byte[] body, int tokens,
                boolean sageMaker, long prefillNanos, Fault fault) {
            this.prefillNanos = prefillNanos;
            this.fault = fault;
            this.exchange = exchange;
            this.arrival = arrival;
            this.serviceTime = serviceTime;
            this.body = body;
            this.tokens = tokens;
            this.sageMaker = sageMaker;
        }

        @Override
        public void start() {
            long service = serviceTime.sampleNanos(ThreadLocalRandom.current()) + prefillNanos;
            service += TokenSchedule.generationNanos(tokens, options.itl().toNanos(), options.itlPerSeq().toNanos(),
                    queue.inService());
            if (fault == Fault.SLOW) {
                service += options.faults().slowDelay().toNanos();
            }
            atPrecisely(timer, finishNanos(System.nanoTime(), service), this::complete);
        }

        private void complete() {
            try {
                if (fault != null && fault != Fault.SLOW) {
                    breakOff(exchange, arrival, fault, JSON_TYPE, body);
                    return;
                }
                if (fault == Fault.SLOW) {
                    metrics.faulted(fault, arrival);
                }
                if (fails()) {
                    if (sageMaker) {
                        answerSageMakerError(exchange, arrival, 500, "InternalFailure", "Simulated server error.");
                    } else {
                        answerNow(exchange, arrival, 500, SIMULATED_ERROR_OPENAI);
                    }
                } else {
                    metrics.tokensGenerated(tokens);
                    answerNow(exchange, arrival, 200, body);
                }
            } finally {
                queue.release();
            }
        }
    }

    /**
     * A token stream: the first token after TTFT, then one every ITL. Server-sent events, or for
     * SageMaker's response stream the same events each carried by an event-stream PayloadPart, as an
     * LLM container's Messages API streams them through SageMaker.
     */
    private final class TokenStream implements ServiceQueue.Job {
        private final HttpExchange exchange;
        private final long arrival;
        private final Completion completion;
        private final boolean sageMaker;
        private long begin;
        private long ttft;
        private TokenSchedule schedule;
        private OutputStream out;
        private boolean answered;
        private final Fault fault;
        /** With a half-answer fault: the chunks sent before the connection is closed; else past the last one. */
        private int cutAfter = Integer.MAX_VALUE;

        TokenStream(HttpExchange exchange, long arrival, Completion completion, boolean sageMaker, Fault fault) {
            this.fault = fault;
            this.sageMaker = sageMaker;
            this.exchange = exchange;
            this.arrival = arrival;
            this.completion = completion;
        }

        @Override
        public void start() {
            begin = System.nanoTime();
            schedule = new TokenSchedule(completion.tokens(), options.tokensPerChunk(), options.itl().toNanos(),
                    options.itlPerSeq().toNanos());
            ttft = options.ttft().sampleNanos(ThreadLocalRandom.current()) + options.prefillNanos(completion.promptTokens());
            if (fault == Fault.SLOW) {
                ttft += options.faults().slowDelay().toNanos();
            }
            atPrecisely(firstChunks, finishNanos(begin, ttft), () -> send(0));
        }

        /**
         * Sends chunk {@code c} and as many following ones as are due, then schedules the next. With K
         * tokens per chunk the C = ceil(tokens / K) chunks are spread evenly from TTFT to
         * TTFT + (tokens - 1) x ITL, so the stream lasts as long as with one token per chunk and
         * aiperf's ITL ((last - first) / (tokens - 1)) reads the configured ITL ({@link TokenSchedule},
         * which also adds {@code --itl-per-seq} for every other sequence in service).
         */
        private void send(int c) {
            try {
                if (c == 0) {
                    if (fault == Fault.RESET || fault == Fault.CLOSE) {
                        answered = true;
                        try {
                            breakOff(exchange, arrival, fault, null, null);
                        } finally {
                            queue.release();
                        }
                        return;
                    }
                    if (fault == Fault.SLOW) {
                        metrics.faulted(fault, arrival);
                    }
                    if (fails()) {
                        answered = true;
                        try {
                            if (sageMaker) {
                                answerSageMakerError(exchange, arrival, 500, "InternalFailure", "Simulated server error.");
                            } else {
                                answerNow(exchange, arrival, 500, SIMULATED_ERROR_OPENAI);
                            }
                        } finally {
                            queue.release();
                        }
                        return;
                    }
                    if (sageMaker) {
                        exchange.getResponseHeaders().set("Content-Type", "application/vnd.amazon.eventstream");
                        exchange.getResponseHeaders().set("X-Amzn-SageMaker-Content-Type", "text/event-stream");
                    } else {
                        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                    }
                    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                    if (fault == Fault.HALF) {
                        // the whole stream's length is declared, so the client knows the answer was cut short
                        cutAfter = schedule.chunks() / 2;
                        front.cutAfter(exchange.getRemoteAddress(), streamLength(cutAfter));
                        exchange.getResponseHeaders().set("Connection", "close");
                        exchange.sendResponseHeaders(200, streamLength(Integer.MAX_VALUE));
                    } else {
                        exchange.sendResponseHeaders(200, 0);
                    }
                    out = exchange.getResponseBody();
                    if (cutAfter == 0) {
                        cutOff(0);
                        return;
                    }
                }
                int tokens = completion.tokens();
                int perChunk = options.tokensPerChunk();
                int chunks = schedule.chunks();
                while (true) {
                    int first = c * perChunk;
                    out.write(framed(completion.chunk(first, Math.min(perChunk, tokens - first))));
                    if (c == 0) {
                        metrics.firstTokenDelay(System.nanoTime() - finishNanos(begin, ttft));
                    }
                    c++;
                    if (c == chunks) {
                        finish();
                        return;
                    }
                    if (c == cutAfter) {
                        cutOff(c);
                        return;
                    }
                    long offset = schedule.next(schedule.dependsOnBatch() ? queue.inService() : 1);
                    long next = finishNanos(begin, ttft + offset);
                    if (next > System.nanoTime()) {
                        out.flush();
                        int following = c;
                        at(next, () -> send(following));
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                abort();
            }
        }

        private void finish() throws IOException {
            metrics.tokensGenerated(completion.tokens());
            answered();
            try (exchange) {
                out.write(framed(completion.end()));
            }
        }

        /** Bytes of the stream's first {@code chunks} chunks, and of its end when that is all of them. */
        private long streamLength(int chunks) {
            int tokens = completion.tokens();
            int perChunk = options.tokensPerChunk();
            long length = chunks >= schedule.chunks() ? framed(completion.end()).length : 0;
            for (int c = 0; c < Math.min(chunks, schedule.chunks()); c++) {
                int first = c * perChunk;
                length += framed(completion.chunk(first, Math.min(perChunk, tokens - first))).length;
            }
            return length;
        }

        /**
         * The half-answer fault, from chunk {@code c} on: the front has passed the chunks before it to
         * the client and closed its connection; the rest goes out at once, for the server to end the
         * exchange as usual.
         */
        private void cutOff(int c) throws IOException {
            answered = true;
            metrics.faulted(fault, arrival);
            try (exchange) {
                int tokens = completion.tokens();
                int perChunk = options.tokensPerChunk();
                for (; c < schedule.chunks(); c++) {
                    int first = c * perChunk;
                    out.write(framed(completion.chunk(first, Math.min(perChunk, tokens - first))));
                }
                out.write(framed(completion.end()));
            } finally {
                queue.release();
            }
        }

        private byte[] framed(byte[] events) {
            return sageMaker ? EventStreamMessage.payloadPart(events) : events;
        }

        /** The client went away mid-stream: count the answer as it began, and free the slot. */
        private void abort() {
            answered();
            exchange.close();
        }

        private void answered() {
            if (!answered) {
                answered = true;
                metrics.answered(200, arrival);
                queue.release();
            }
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
