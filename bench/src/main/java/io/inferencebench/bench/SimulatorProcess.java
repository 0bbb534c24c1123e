package io.inferencebench.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The endpoint simulator in a process of its own ({@link SimulatorMain}), so that the client CPU the
 * benchmark measures is the client's alone.
 */
final class SimulatorProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+) started-nanos (\\d+) (\\d+)");
    private static final Pattern UPTIME = Pattern.compile("(?m)^ib_sim_uptime_seconds (\\S+)$");

    private final Process process;
    private final String baseUrl;
    /** The simulator's own readings of the monotonic clock just before and just after it started. */
    private final long startedBefore;
    private final long startedAfter;
    /** When its line reached us, on our monotonic clock. */
    private final long lineReceived;

    /** The simulator JVM's process id: its CPU is not the client's. */
    long pid() {
        return process.pid();
    }

    private SimulatorProcess(Process process, String baseUrl, long startedBefore, long startedAfter, long lineReceived) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.startedBefore = startedBefore;
        this.startedAfter = startedAfter;
        this.lineReceived = lineReceived;
    }

    /** Starts the simulator on a free port with {@code LATENCY} and {@code STALL} (AT:FOR, or null) and waits until it listens. */
    static SimulatorProcess start(String latency, String stall, Path log) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Dib.jmeter.log=" + log,
                "-cp", System.getProperty("java.class.path"), SimulatorMain.class.getName(), latency));
        if (stall != null) {
            cmd.add(stall);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<long[]> started = new CompletableFuture<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        started.complete(new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), System.nanoTime()});
                        url.complete(m.group(1));
                    } else if (!url.isDone()) {
                        seen.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            url.completeExceptionally(new IOException("The simulator ended before listening:\n" + seen));
        }, "simulator-output");
        reader.setDaemon(true);
        reader.start();
        try {
            String base = url.get(60, TimeUnit.SECONDS);
            long[] t = started.get();
            return new SimulatorProcess(p, base, t[0], t[1], t[2]);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("The endpoint simulator did not start: " + e.getMessage(), e);
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    /**
     * When the simulator started (the origin its stall is timed from) on this process's
     * {@link System#nanoTime()} clock, and how far off that may be. The simulator reports its own
     * monotonic clock readings around its start; on Linux that clock is shared by every process, which
     * is checked here: its reading must come before its line reached us, and not long before. Where it
     * is not shared, the origin is estimated from the simulator's {@code /metrics} uptime instead.
     *
     * @return {origin, uncertainty (ns), origin by the uptime estimate}
     */
    long[] startedNanos() throws IOException, InterruptedException {
        long[] byUptime = startedNanosFromUptime();
        if (startedAfter <= lineReceived && lineReceived - startedAfter < 5_000_000_000L) {
            // the origin is read inside start(), before the few steps that follow it, after the rest
            return new long[] {startedAfter, startedAfter - startedBefore, byUptime[0]};
        }
        return new long[] {byUptime[0], byUptime[1], byUptime[0]};
    }

    /**
     * The start by the simulator's {@code /metrics} uptime: the reading is taken as made half way
     * through the request, and the quickest of a few requests wins. Its metrics clock starts a little
     * before the stall's origin (before the HTTP server is created), so this runs early by that much.
     *
     * @return {start estimate, half round trip of the best reading}
     */
    private long[] startedNanosFromUptime() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(Duration.ofSeconds(5)).build();
        long best = Long.MAX_VALUE;
        long estimate = 0;
        for (int i = 0; i < 5; i++) {
            long before = System.nanoTime();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            long after = System.nanoTime();
            Matcher m = UPTIME.matcher(response.body());
            if (!m.find()) {
                throw new IOException("The simulator's /metrics has no ib_sim_uptime_seconds");
            }
            if (after - before < best) {
                best = after - before;
                estimate = before + (after - before) / 2 - Math.round(Double.parseDouble(m.group(1)) * 1e9);
            }
        }
        return new long[] {estimate, best / 2};
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close(); // SimulatorMain ends when its input closes
        } catch (IOException e) {
            // already gone
        }
        if (process.waitFor(5, TimeUnit.SECONDS)) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
