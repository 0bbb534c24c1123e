package io.inferencebench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.cli.Benchmark;

/**
 * One wave through the {@code benchmark} command, in this JVM, as a user runs it (results.jtl, the
 * progress and client-hardware sampling, the bottleneck verdict and all), with the client's CPU read
 * from the process tree over the wave's own window: the command starts and stops its Python workers,
 * so their CPU is sampled while they live rather than read once after the command.
 */
record CommandWave(String label, int workers, double target, long fired, long succeeded, double latencyP50,
        double latencyP99, double queueP99, double cpuMsPerRequest, double userSeenCpuMsPerRequest,
        double machineCores, double clientCores, double loadBefore, int exitCode) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SAMPLE_MS = 100;

    /** Runs {@code benchmark ARGS --client-rps RATE --obs-time SECONDS} and measures it. */
    static CommandWave run(String label, int workers, double rate, double seconds, ClientCpu cpu, Path results,
            List<String> args) throws Exception {
        List<long[]> samples = new ArrayList<>(); // epoch ms, client tree CPU ns, machine busy ns
        Thread sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    long[] s = {System.currentTimeMillis(), cpu.nanos(), ClientCpu.machineBusyNanos()};
                    synchronized (samples) {
                        samples.add(s);
                    }
                    Thread.sleep(SAMPLE_MS);
                }
            } catch (InterruptedException e) {
                // the wave is over
            }
        }, "client-cpu-sampler");
        double load = ClientCpu.waitForQuiet(BridgeBench.quietLoad(), BridgeBench.quietWait());
        List<String> command = new ArrayList<>(args);
        command.addAll(List.of("--workers", String.valueOf(workers), "--client-rps", String.valueOf(rate), "--obs-time",
                String.valueOf(seconds), "--quiet", "--results-dir", results.toString()));
        sampler.setDaemon(true);
        sampler.start();
        int code = Benchmark.execute(command.toArray(String[]::new));
        sampler.interrupt();
        sampler.join();
        JsonNode s = latestSummary(results);
        long start = s.get("wave_start_epoch_ms").asLong();
        long end = s.get("wave_end_epoch_ms").asLong();
        // the samples inside the wave, skipping its first second (workers' connections, JIT) and its last
        long[] first = null;
        long[] last = null;
        for (long[] sample : samples) {
            if (sample[0] >= start + 1000 && sample[0] <= end - 500) {
                first = first == null ? sample : first;
                last = sample;
            }
        }
        double cpuMs = Double.NaN;
        double machineCores = Double.NaN;
        double clientCores = Double.NaN;
        if (first != null && last != first) {
            double wallMs = last[0] - first[0];
            // requests in the window at the rate the wave achieved (the target's, unless the client fell behind)
            double achieved = s.get("completed").asLong() / Math.max(1e-9, s.get("duration_s").asDouble());
            cpuMs = (last[1] - first[1]) / 1e6 / (achieved * wallMs / 1000.0);
            clientCores = (last[1] - first[1]) / 1e6 / wallMs;
            machineCores = (last[2] - first[2]) / 1e6 / wallMs;
        }
        JsonNode hw = s.path("client_hw");
        double seen = hw.isMissingNode() || s.get("completed").asLong() == 0 ? Double.NaN
                : hw.get("process_cpu_percent").get("avg").asDouble() / 100 * s.get("duration_s").asDouble() * 1000
                        / s.get("completed").asLong();
        return new CommandWave(label, workers, rate, s.get("fired").asLong(), s.get("succeeded").asLong(),
                s.get("latency_ms").get("p50").asDouble(), s.get("latency_ms").get("p99").asDouble(),
                s.path("queue_ms").path("p99").asDouble(Double.NaN), cpuMs, seen, machineCores, clientCores, load, code);
    }

    private static JsonNode latestSummary(Path results) throws IOException {
        try (Stream<Path> runs = Files.list(results)) {
            Path latest = runs.sorted().reduce((a, b) -> b).orElseThrow();
            return JSON.readTree(latest.resolve("summary.json").toFile());
        }
    }

    static String header() {
        return "| route | workers | target/s | fired | ok | latency p50 / p99 | Python queue p99 | client CPU/request (process tree) | as --sample-client-hw sees it | machine busy / client (cores) | load before | exit |\n"
                + "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|";
    }

    String row() {
        return String.format(Locale.ROOT, "| %s | %d | %,.0f | %,d | %.2f%% | %.1f / %.1f ms | %.2f ms | %.3f ms | %.3f ms | %.2f / %.2f | %.2f | %d |",
                label, workers, target, fired, 100.0 * succeeded / Math.max(1, fired), latencyP50, latencyP99, queueP99,
                cpuMsPerRequest, userSeenCpuMsPerRequest, machineCores, clientCores, loadBefore, exitCode);
    }
}
