package io.inferencebench.metrics;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback {@code /metrics} endpoint shaped like a vLLM server (Python prometheus_client text) with
 * NVIDIA's DCGM exporter beside it: counters, gauges and a histogram whose state the test drives.
 */
final class InferenceServerMetrics implements AutoCloseable {

    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0};
    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    private final HttpServer server;
    private final AtomicInteger scrapes = new AtomicInteger();
    private volatile int status = 200;
    private long successes;
    private long generationTokens;
    private final long[] ttftBuckets = new long[TTFT_BUCKETS.length + 1];
    private double ttftSum;
    private long ttftCount;
    private int running;
    private double gpu0Util;
    private double gpu1Util;

    InferenceServerMetrics() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                byte[] body = status == 200 ? render().getBytes(StandardCharsets.UTF_8)
                        : "upstream unavailable".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            } finally {
                scrapes.incrementAndGet();
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
    }

    int scrapes() {
        return scrapes.get();
    }

    void answerWith(int httpStatus) {
        status = httpStatus;
    }

    /** A request finished: one success, its time to first token and its tokens. */
    synchronized void request(double ttftSeconds, int tokens) {
        successes++;
        generationTokens += tokens;
        int i = 0;
        while (i < TTFT_BUCKETS.length && ttftSeconds > TTFT_BUCKETS[i]) {
            i++;
        }
        ttftBuckets[i]++;
        ttftSum += ttftSeconds;
        ttftCount++;
    }

    /** The engine restarted: vLLM's counters start again from zero. */
    synchronized void restart() {
        successes = 0;
        generationTokens = 0;
        java.util.Arrays.fill(ttftBuckets, 0);
        ttftSum = 0;
        ttftCount = 0;
    }

    synchronized void gauges(int requestsRunning, double gpu0, double gpu1) {
        running = requestsRunning;
        gpu0Util = gpu0;
        gpu1Util = gpu1;
    }

    private synchronized String render() {
        StringBuilder b = new StringBuilder();
        String model = "model_name=\"" + MODEL + "\"";
        b.append("# HELP vllm:num_requests_running Number of requests in model execution batches.\n")
                .append("# TYPE vllm:num_requests_running gauge\n")
                .append("vllm:num_requests_running{engine=\"0\",").append(model).append("} ").append(running).append(".0\n");
        b.append("# HELP vllm:request_success_total Count of successfully processed requests.\n")
                .append("# TYPE vllm:request_success_total counter\n")
                .append("vllm:request_success_total{engine=\"0\",finished_reason=\"stop\",").append(model).append("} ")
                .append(successes).append(".0\n");
        b.append("# HELP vllm:generation_tokens_total Number of generation tokens processed.\n")
                .append("# TYPE vllm:generation_tokens_total counter\n")
                .append("vllm:generation_tokens_total{engine=\"0\",").append(model).append("} ").append(generationTokens).append(".0\n")
                .append("# HELP vllm:generation_tokens_created Number of generation tokens processed.\n")
                .append("# TYPE vllm:generation_tokens_created gauge\n")
                .append("vllm:generation_tokens_created{engine=\"0\",").append(model).append("} 1.7644113e+09\n");
        b.append("# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.\n")
                .append("# TYPE vllm:time_to_first_token_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i <= TTFT_BUCKETS.length; i++) {
            cumulative += ttftBuckets[i];
            b.append("vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"")
                    .append(i < TTFT_BUCKETS.length ? String.valueOf(TTFT_BUCKETS[i]) : "+Inf").append("\",")
                    .append(model).append("} ").append(cumulative).append(".0\n");
        }
        b.append("vllm:time_to_first_token_seconds_count{engine=\"0\",").append(model).append("} ").append(ttftCount).append(".0\n")
                .append("vllm:time_to_first_token_seconds_sum{engine=\"0\",").append(model).append("} ")
                .append(String.format(Locale.ROOT, "%.6f", ttftSum)).append('\n');
        b.append("# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).\n")
                .append("# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n");
        gpu(b, 0, "GPU-5f2b0d3c-1a2b-4c5d-8e9f-000000000000", gpu0Util);
        gpu(b, 1, "GPU-7a9c1e4d-2b3c-4d5e-9f00-111111111111", gpu1Util);
        b.append("# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).\n")
                .append("# TYPE DCGM_FI_DEV_FB_USED gauge\n")
                .append("DCGM_FI_DEV_FB_USED{gpu=\"0\",UUID=\"GPU-5f2b0d3c-1a2b-4c5d-8e9f-000000000000\",device=\"nvidia0\","
                        + "modelName=\"NVIDIA A10G\",Hostname=\"ip-10-0-0-12\",DCGM_FI_DRIVER_VERSION=\"550.54.15\"} 20123\n");
        return b.toString();
    }

    private static void gpu(StringBuilder b, int gpu, String uuid, double util) {
        b.append("DCGM_FI_DEV_GPU_UTIL{gpu=\"").append(gpu).append("\",UUID=\"").append(uuid).append("\",device=\"nvidia")
                .append(gpu).append("\",modelName=\"NVIDIA A10G\",Hostname=\"ip-10-0-0-12\",DCGM_FI_DRIVER_VERSION=\"550.54.15\"} ")
                .append((long) util).append('\n');
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
