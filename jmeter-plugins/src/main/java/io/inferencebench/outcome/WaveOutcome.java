package io.inferencebench.outcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The typed outcome of one wave: what was asked ({@link WaveSetup}), what happened, the verdict, and
 * the sections other parts contribute. Its Jackson form is {@code summary.json} (schema version
 * {@value #SCHEMA_VERSION}, docs/summary-json.md); the reports read it back as this same type.
 *
 * <p>Immutable: every {@code with...} returns a new outcome. A statistic that was not measured is
 * {@code null}, never zero.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"schema_version", "tool", "tool_version", "run_name", "spec", "fired", "completed", "succeeded",
        "failed", "duration_s", "client_rps", "server_rps", "success_rate", "passed", "wave_start_epoch_ms",
        "wave_end_epoch_ms", "latency_ms", "latency_from_intended_ms", "late_starts", "dropped_starts", "lateness_ms",
        "threads", "queue_ms", "measurements", "errors", "python", "client_bottleneck", "interrupted",
        "interrupted_at_epoch_ms"})
public record WaveOutcome(int schemaVersion, String tool, String toolVersion, String runName, WaveSetup spec,
                          long fired, long completed, long succeeded, long failed, double durationS,
                          double clientRps, double serverRps, double successRate, boolean passed,
                          long waveStartEpochMs, long waveEndEpochMs,
                          Stats latencyMs, Stats latencyFromIntendedMs, long lateStarts, long droppedStarts,
                          Stats latenessMs, Threads threads, Stats queueMs, Map<String, Stats> measurements,
                          List<ErrorCount> errors, Python python, Verdict clientBottleneck,
                          boolean interrupted, Long interruptedAtEpochMs,
                          @JsonIgnore Map<String, Object> sections) {

    public static final int SCHEMA_VERSION = 2;
    public static final String FILE_NAME = "summary.json";
    public static final String TOOL = "InferenceBench for JMeter";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public WaveOutcome {
        measurements = measurements == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(measurements));
        errors = errors == null ? List.of() : List.copyOf(errors);
        sections = sections == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sections));
    }

    /**
     * The JMeter thread pool of the wave (one engine's, or the sum over engines).
     *
     * @param started    threads in the pool at the end (idle ones retire during the wave)
     * @param peak       the most threads it had at once; {@code null} in summaries written before it was kept
     * @param cpuLimited the pool stopped growing because threads waiting for their start woke late: the CPU,
     *                   not the thread count, limited the wave
     * @param kind       {@code virtual} (Java 21+) or {@code platform}: what the pool ran JMeter threads on;
     *                   {@code null} in summaries written before it was kept
     * @param platformFirst on a virtual pool, how many of its threads ran on platform threads before it started
     *                   virtual ones (256 unless {@code ib.threads} set it); {@code null} on a platform pool
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Threads(int started, int maxThreads, boolean capReached, long lateWhileCapped, Integer peak,
                          Boolean cpuLimited, String kind, Integer platformFirst) {
        public Threads(int started, int maxThreads, boolean capReached, long lateWhileCapped) {
            this(started, maxThreads, capReached, lateWhileCapped, null, null, null, null);
        }
    }

    /** The Python runtime that ran {@code invoke}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Python(int workers, String endpointName, String runtime, long workerRestarts,
                         boolean precomputedPayloads) {
        public Python withWorkerRestarts(long restarts) {
            return new Python(workers, endpointName, runtime, restarts, precomputedPayloads);
        }

        public Python withWorkers(int count) {
            return new Python(count, endpointName, runtime, workerRestarts, precomputedPayloads);
        }
    }

    /** A failure message and how often it occurred. */
    public record ErrorCount(String message, long count) {
    }

    /**
     * Did the client, not the server, limit the wave: each cause with its figure and remedy. A cause that
     * {@code invalidates} the wave (the load was not delivered: under-firing, dropped starts, a reached
     * thread cap, a lost engine) makes its figures not valid; the others (a busy machine, GC) are warnings.
     */
    public record Verdict(boolean detected, List<Cause> causes) {
        public static final Verdict NOT_JUDGED = new Verdict(false, List.of());

        public Verdict {
            causes = causes == null ? List.of() : List.copyOf(causes);
        }

        /** True unless a cause says the client did not deliver the load. */
        @JsonIgnore
        public boolean valid() {
            return causes.stream().noneMatch(Cause::invalidates);
        }

        public record Cause(String cause, String figure, String remedy, boolean invalidates) {
        }
    }

    /** The sections, written at the top level of {@code summary.json} after the wave's own keys. */
    @JsonAnyGetter
    Map<String, Object> sectionsForJson() {
        return sections;
    }

    /** A section other parts contributed, read as its type; {@code null} when absent. */
    public <T> T section(SectionKey<T> key) {
        Object value = sections.get(key.name());
        if (value == null || value instanceof JsonNode node && node.isNull()) {
            return null;
        }
        return key.type().isInstance(value) ? key.type().cast(value) : JSON.convertValue(value, key.type());
    }

    /** A section as raw JSON (for readers that list whatever a section holds), or {@code null}. */
    public JsonNode sectionJson(String name) {
        Object value = sections.get(name);
        return value == null ? null : JSON.valueToTree(value);
    }

    public <T> WaveOutcome withSection(SectionKey<T> key, T value) {
        Map<String, Object> s = new LinkedHashMap<>(sections);
        s.put(key.name(), value);
        return copy(runName, spec, python, clientBottleneck, s);
    }

    /** The outcome of a wave a signal stopped at {@code epochMs}. */
    public WaveOutcome withInterruption(long epochMs) {
        return copy(runName, spec, python, clientBottleneck, true, epochMs, sections);
    }

    public WaveOutcome withVerdict(Verdict verdict) {
        return copy(runName, spec, python, verdict, sections);
    }

    public WaveOutcome withPython(Python value) {
        return copy(runName, spec, value, clientBottleneck, sections);
    }

    public WaveOutcome withRun(String name) {
        return copy(name, spec, python, clientBottleneck, sections);
    }

    private WaveOutcome copy(String name, WaveSetup setup, Python py, Verdict verdict, Map<String, Object> s) {
        return copy(name, setup, py, verdict, interrupted, interruptedAtEpochMs, s);
    }

    private WaveOutcome copy(String name, WaveSetup setup, Python py, Verdict verdict, boolean stopped, Long stoppedAt,
                             Map<String, Object> s) {
        return new WaveOutcome(schemaVersion, tool, toolVersion, name, setup, fired, completed, succeeded, failed,
                durationS, clientRps, serverRps, successRate, passed, waveStartEpochMs, waveEndEpochMs, latencyMs,
                latencyFromIntendedMs, lateStarts, droppedStarts, latenessMs, threads, queueMs, measurements, errors,
                py, verdict, stopped, stoppedAt, s);
    }

    /** The requested rate, or {@code null} when unpaced. */
    @JsonIgnore
    public Double targetRps() {
        return spec == null ? null : spec.targetRps();
    }

    @JsonIgnore
    public double successThreshold() {
        return spec == null ? 0 : spec.successThreshold();
    }

    /** Writes {@code summary.json} into {@code dir} atomically: a reader never sees a half-written file. */
    public Path write(Path dir) throws IOException {
        Path target = dir.resolve(FILE_NAME);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a {@code summary.json} tree of schema version 2 (a version 1 tree goes through
     * {@link SummaryV1#upgrade} first). Top-level keys the wave does not own are its sections.
     */
    public static WaveOutcome fromJson(JsonNode root) {
        Map<String, Object> sections = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            if (!OWN_KEYS.contains(e.getKey()) && !e.getValue().isNull()) {
                sections.put(e.getKey(), e.getValue());
            }
        });
        WaveOutcome typed = JSON.convertValue(root, WaveOutcome.class);
        return typed.copy(typed.runName, typed.spec, typed.python, typed.clientBottleneck, sections);
    }

    /** The keys of the wave's own part, in {@code summary.json} order. */
    static final java.util.Set<String> OWN_KEYS = java.util.Set.of(
            WaveOutcome.class.getAnnotation(JsonPropertyOrder.class).value());
}
