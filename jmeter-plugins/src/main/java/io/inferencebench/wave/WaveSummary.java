package io.inferencebench.wave;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.inferencebench.pacing.PacingReport;

/**
 * The outcome of one wave, as written to {@code summary.json} (schema in docs/summary-json.md).
 * Sections that other parts add (client hardware, server metrics, aiperf) go through {@link #put}.
 */
public final class WaveSummary {
    public static final int SCHEMA_VERSION = 1;
    public static final String FILE_NAME = "summary.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public final long fired;
    public final long completed;
    public final long succeeded;
    public final long failed;
    public final double durationSeconds;
    public final double clientRps;
    public final double serverRps;
    public final double successRate;
    public final double successThreshold;
    public final boolean passed;
    public final long waveStartEpochMs;
    public final long waveEndEpochMs;
    public final Double targetRps;
    public final long lateStarts;
    public final long droppedStarts;
    public final Stats latency;
    public final Stats latencyFromIntended;
    public final Stats lateness;
    public final Stats queue;
    public final PacingReport pacing;
    private final Map<String, Object> document = new LinkedHashMap<>();

    public WaveSummary(WaveStatistics stats, PacingReport pacing, double successThreshold, Double targetRps) {
        this.completed = stats.completed();
        this.failed = stats.failed();
        this.succeeded = stats.succeeded();
        // every start is a sample (an interrupted one is a failed sample), so fired counts samples;
        // the pacer's own count covers starts whose sample never reached this listener
        this.fired = pacing == null ? completed : Math.max(completed, pacing.started());
        this.waveStartEpochMs = pacing != null && pacing.started() > 0
                ? Math.min(pacing.firstStartEpochMs(), stats.waveStartEpochMs()) : stats.waveStartEpochMs();
        this.waveEndEpochMs = Math.max(stats.lastEndEpochMs(), waveStartEpochMs);
        this.durationSeconds = (waveEndEpochMs - waveStartEpochMs) / 1000.0;
        double startSpan = (stats.lastStartEpochMs() - waveStartEpochMs) / 1000.0;
        this.clientRps = fired > 1 && startSpan > 0 ? (fired - 1) / startSpan : 0;
        this.serverRps = durationSeconds > 0 ? completed / durationSeconds : 0;
        this.successRate = completed == 0 ? 0 : (double) succeeded / completed;
        this.successThreshold = successThreshold;
        this.passed = completed > 0 && successRate >= successThreshold;
        this.targetRps = targetRps != null ? targetRps : pacing == null ? null : pacing.targetRps();
        // without a pacer in this JVM (a distributed run's controller) the samples carry the counts
        this.lateStarts = pacing == null ? stats.lateStarts() : pacing.lateStarts();
        this.droppedStarts = pacing == null ? stats.droppedStarts() : pacing.droppedStarts();
        this.latency = stats.latency();
        this.latencyFromIntended = stats.latencyFromIntended();
        this.lateness = stats.lateness();
        this.queue = stats.queue();
        this.pacing = pacing;

        document.put("schema_version", SCHEMA_VERSION);
        document.put("tool", "InferenceBench for JMeter");
        document.put("tool_version", version());
        document.put("target_rps", this.targetRps);
        document.put("fired", fired);
        document.put("completed", completed);
        document.put("succeeded", succeeded);
        document.put("failed", failed);
        document.put("duration_s", Stats.round(durationSeconds));
        document.put("client_rps", Stats.round(clientRps));
        document.put("server_rps", Stats.round(serverRps));
        document.put("success_rate", Math.round(successRate * 100000.0) / 100000.0);
        document.put("success_threshold", successThreshold);
        document.put("passed", passed);
        document.put("wave_start_epoch_ms", waveStartEpochMs);
        document.put("wave_end_epoch_ms", waveEndEpochMs);
        document.put("latency_ms", percentiles(latency));
        document.put("latency_from_intended_ms", percentiles(latencyFromIntended));
        document.put("late_starts", lateStarts);
        document.put("dropped_starts", droppedStarts);
        document.put("lateness_ms", lateness == null ? null : Map.of("p50", lateness.p50(), "p99", lateness.p99(),
                "max", lateness.max()));
        if (pacing != null) {
            Map<String, Object> threads = new LinkedHashMap<>();
            threads.put("started", pacing.threads());
            threads.put("max_threads", pacing.maxThreads());
            threads.put("cap_reached", pacing.capReached());
            threads.put("late_while_capped", pacing.lateWhileCapped());
            document.put("threads", threads);
        }
        document.put("queue_ms", percentiles(stats.queue()));
        Map<String, Object> measured = new LinkedHashMap<>();
        stats.measurements().forEach((k, v) -> measured.put(k, v));
        document.put("measurements", measured);
        document.put("errors", stats.errors(20));
    }

    private static Map<String, Object> percentiles(Stats s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", s.mean());
        m.put("min", s.min());
        m.put("p50", s.p50());
        m.put("p90", s.p90());
        m.put("p99", s.p99());
        m.put("max", s.max());
        return m;
    }

    private static String version() {
        String v = WaveSummary.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Adds or replaces a top-level section; keys keep their first position. */
    public WaveSummary put(String key, Object value) {
        document.put(key, value);
        return this;
    }

    public Object get(String key) {
        return document.get(key);
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> errors() {
        return (List<Map<String, Object>>) document.get("errors");
    }

    public Map<String, Object> document() {
        return document;
    }

    /** Writes {@code summary.json} into {@code dir} atomically (never a half-written file). */
    public Path write(Path dir) throws IOException {
        Path target = dir.resolve(FILE_NAME);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(tmp.toFile(), document);
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
