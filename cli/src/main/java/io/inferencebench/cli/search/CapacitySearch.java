package io.inferencebench.cli.search;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.inferencebench.cli.Benchmark;
import io.inferencebench.cli.Console;
import io.inferencebench.cli.Interrupts;
import io.inferencebench.cli.WaveRunner;
import io.inferencebench.cli.WaveSpec;
import io.inferencebench.outcome.Stats;
import io.inferencebench.outcome.Threshold;
import io.inferencebench.outcome.TokenMetrics;
import io.inferencebench.outcome.WaveOutcome;

/**
 * {@code benchmark --find-max-rps}: runs one wave per step at the rate {@link SearchPolicy} asks for, judges
 * each with {@link StepJudge}, and ends with the highest rate the endpoint sustained, the constraint that
 * bound it, a table of the steps, the knee chart and what the rate costs.
 *
 * <p>Layout: {@code <results-dir>/<stamp>_capacity-search/} holds the search's {@code benchmark.log},
 * {@code capacity.json} and {@code knee.png}, and one ordinary run directory per step,
 * {@code <stamp>_step-NN-<rate>rps/}, so {@code --plot} compares the steps (given the search directory, it
 * takes them all). The {@code summary.json} of the step the answer rests on carries the {@code capacity}
 * section.
 */
public final class CapacitySearch {
    /** Share of each instance's sustainable rate left unused when planning instances for a target rate. */
    static final double HEADROOM = 0.2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What the flags asked of the search. */
    public record Settings(double startRps, double maxRps, double precision, double stepTimeS, double stepWarmupS,
                           List<StepJudge.Ceiling> ceilings, String serverCount, Double instancePrice,
                           Integer instances, Double targetRps) {
        public Settings {
            ceilings = List.copyOf(ceilings);
        }
    }

    /** A step that ran: its outcome, its run directory and its verdict. */
    private record Ran(WaveOutcome outcome, Path runDir, StepJudge.Verdict verdict, CapacityReport.Step row) {
    }

    private final WaveSpec wave;
    private final Settings settings;
    private final Console console;
    private final Interrupts interrupts;

    public CapacitySearch(WaveSpec wave, Settings settings, Console console, Interrupts interrupts) {
        this.wave = wave;
        this.settings = settings;
        this.console = console;
        this.interrupts = interrupts;
    }

    /** Runs the search; returns the exit code (see docs/capacity-search.md). */
    public int run() throws Exception {
        long started = System.nanoTime();
        Path dir = searchDirectory(wave.resultsDir(), LocalDateTime.now());
        List<String> constraints = constraints();
        console.println(String.format(Locale.ROOT, "Capacity search: from %s req/s (at most %s), steps of %s s%s, "
                        + "precision %s%% -> %s", rate(settings.startRps()), rate(settings.maxRps()),
                StepJudge.number(settings.stepTimeS()), settings.stepWarmupS() > 0 ? " after a warm-up of "
                        + StepJudge.number(settings.stepWarmupS()) + " s at the step's rate (not counted)" : "",
                StepJudge.number(100 * settings.precision()), dir));
        console.println("Constraints: " + String.join(", ", constraints) + ", the client not the limit"
                + (settings.serverCount() != null ? ", the server's count (" + settings.serverCount() + ") agreeing" : ""));
        SearchPolicy policy = new SearchPolicy(settings.startRps(), settings.maxRps(), settings.precision());
        StepJudge judge = new StepJudge(settings.ceilings(), settings.serverCount());
        List<SearchPolicy.Step> steps = new ArrayList<>();
        List<Ran> ran = new ArrayList<>();
        SearchPolicy.Decision decision;
        Ran stoppedBy = null;
        while ((decision = policy.next(steps)) instanceof SearchPolicy.Probe probe) {
            if (interrupts.interrupted()) {
                break;
            }
            int n = ran.size() + 1;
            console.println(String.format(Locale.ROOT, "step %d: %s req/s for %s s (%s) ...", n, rate(probe.rate()),
                    StepJudge.number(settings.stepTimeS()), probe.why()));
            WaveSpec step = wave.step(probe.rate(), settings.stepTimeS(), settings.stepWarmupS(), dir,
                    String.format(Locale.ROOT, "step-%02d-%srps", n, rate(probe.rate())), n == 1 && wave.warmup());
            // the step's own lines go to its benchmark.log; the search prints one line per step
            WaveOutcome o = new WaveRunner(step, new Console(new PrintStream(OutputStream.nullOutputStream())),
                    interrupts).outcome();
            if (n == 1) {
                console.logTo(dir.resolve("benchmark.log"));
            }
            StepJudge.Verdict verdict = judge.judge(o);
            Ran r = new Ran(o, dir.resolve(o.runName()), verdict, row(n, probe.rate(), o, verdict));
            ran.add(r);
            console.println("        " + line(r.row(), verdict));
            if (verdict.kind() != StepJudge.Kind.PASS && verdict.kind() != StepJudge.Kind.FAIL) {
                stoppedBy = r;
                break;
            }
            steps.add(new SearchPolicy.Step(probe.rate(), verdict.kind() == StepJudge.Kind.PASS, departureRate(o),
                    verdict.severity()));
        }
        if (ran.isEmpty()) {
            console.println("Interrupted before the first step: nothing measured.");
            return interrupts.exitCode();
        }
        CapacityReport report = report(decision, stoppedBy, ran, constraints,
                (System.nanoTime() - started) / 1e9);
        finish(dir, ran, report);
        return exitCode(report);
    }

    private List<String> constraints() {
        List<String> c = new ArrayList<>();
        c.add("success_rate>=" + StepJudge.number(wave.successThreshold()));
        wave.thresholds().stream().map(Threshold::text).forEach(c::add);
        settings.ceilings().stream().map(StepJudge.Ceiling::text).forEach(c::add);
        return c;
    }

    private CapacityReport report(SearchPolicy.Decision decision, Ran stoppedBy, List<Ran> ran, List<String> constraints,
                                  double wallS) {
        Ran lo = ran.stream().filter(r -> r.verdict().kind() == StepJudge.Kind.PASS)
                .max((a, b) -> Double.compare(a.row().targetRps(), b.row().targetRps())).orElse(null);
        Ran hi = ran.stream().filter(r -> r.verdict().kind() == StepJudge.Kind.FAIL
                        && (lo == null || r.row().targetRps() > lo.row().targetRps()))
                .min((a, b) -> Double.compare(a.row().targetRps(), b.row().targetRps())).orElse(null);
        Double found = lo == null ? null : lo.row().targetRps();
        Double failed = hi == null ? null : hi.row().targetRps();
        String binding = hi == null ? null : String.join("; ", hi.verdict().reasons()) + " at " + rate(failed) + " req/s";
        String result;
        String message;
        String bracket = found == null && failed == null ? "nothing measured"
                : (found == null ? "no step sustained" : "sustained " + rate(found) + " req/s")
                + (failed == null ? "" : ", not sustained " + rate(failed) + " req/s");
        if (stoppedBy != null || !(decision instanceof SearchPolicy.Found || decision instanceof SearchPolicy.StartFails
                || decision instanceof SearchPolicy.MaxSustained)) {
            Ran last = stoppedBy != null ? stoppedBy : ran.get(ran.size() - 1);
            StepJudge.Kind kind = stoppedBy == null ? StepJudge.Kind.INTERRUPTED : stoppedBy.verdict().kind();
            String at = "step " + last.row().step() + " at " + rate(last.row().targetRps()) + " req/s";
            switch (kind) {
                case CLIENT_LIMITED -> {
                    result = "client_limited";
                    List<String> remedies = last.outcome().clientBottleneck().causes().stream()
                            .filter(WaveOutcome.Verdict.Cause::invalidates).map(WaveOutcome.Verdict.Cause::remedy)
                            // the remedies that name what to change (others point at the RESULTS block's layout)
                            .filter(r -> r != null && r.contains("--")).distinct().toList();
                    message = "No answer: the client limited " + at + " (" + String.join("; ", last.verdict().reasons())
                            + "), so its figures say nothing of the endpoint; the bracket so far: " + bracket + "."
                            + (remedies.isEmpty() ? "" : " Remedy: " + String.join("; ", remedies) + ".");
                }
                case COUNT_DISAGREES -> {
                    result = "server_count_disagrees";
                    message = "No answer: at " + at + " " + String.join("; ", last.verdict().reasons())
                            + ", so its figures may not be this endpoint's alone; the bracket so far: " + bracket + ".";
                }
                default -> {
                    result = "interrupted";
                    message = "Interrupted " + (stoppedBy == null ? "after " : "at ") + at + "; the bracket so far: "
                            + bracket + ".";
                }
            }
        } else if (decision instanceof SearchPolicy.StartFails) {
            result = "start_fails";
            Ran first = ran.get(0);
            message = "Even the start rate failed: " + String.join("; ", first.verdict().reasons()) + " at "
                    + rate(first.row().targetRps()) + " req/s; start lower (--start-rps).";
            binding = String.join("; ", first.verdict().reasons()) + " at " + rate(first.row().targetRps()) + " req/s";
            failed = first.row().targetRps();
        } else if (decision instanceof SearchPolicy.MaxSustained) {
            result = "max_sustained";
            message = "Sustained the highest rate tried, " + rate(found) + " req/s (--max-rps): the ceiling is above it.";
        } else {
            result = "found";
            message = "Maximum sustainable rate: " + rate(found) + " req/s (" + binding + ")";
        }
        Double tokensPerS = lo == null ? null : lo.row().outputTokenThroughput();
        return new CapacityReport(result, found, failed, binding, message, settings.startRps(), settings.maxRps(),
                settings.precision(), settings.stepTimeS(), settings.stepWarmupS(), constraints, ran.size(), Stats.round(wallS),
                ran.stream().map(Ran::row).toList(), cost(found, tokensPerS));
    }

    /** What the found rate costs, or {@code null} without {@code --instances}. */
    CapacityReport.Cost cost(Double found, Double tokensPerS) {
        if (settings.instances() == null || found == null) {
            return null;
        }
        return Cost.of(found, settings.instances(), settings.instancePrice(), tokensPerS, settings.targetRps(), HEADROOM);
    }

    private void finish(Path dir, List<Ran> ran, CapacityReport report) throws Exception {
        console.println();
        for (String l : StepTable.render(report.steps())) {
            console.println(l);
        }
        console.println();
        console.println(report.message());
        if (report.cost() != null) {
            Cost.lines(report.cost()).forEach(console::println);
        }
        JSON.writeValue(dir.resolve(CapacityReport.FILE_NAME).toFile(), report);
        Ran answer = ran.stream().filter(r -> report.maxSustainableRps() != null
                && r.row().targetRps() == report.maxSustainableRps() && r.verdict().kind() == StepJudge.Kind.PASS)
                .findFirst().orElse(ran.get(ran.size() - 1));
        answer.outcome().withSection(CapacityReport.SECTION, report).write(answer.runDir());
        try {
            KneeChart.write(dir.resolve(KneeChart.FILE_NAME), report);
        } catch (RuntimeException | java.io.IOException e) {
            console.println("Knee chart not drawn (" + e + ")");
        }
        console.println(String.format(Locale.ROOT, "%d wave%s in %s s. Steps, capacity.json and knee.png: %s",
                report.waves(), report.waves() == 1 ? "" : "s", StepJudge.number(report.wallTimeS()), dir));
        console.println("Compare the steps: benchmark --plot " + dir);
    }

    private int exitCode(CapacityReport report) {
        return switch (report.result()) {
            case "found", "max_sustained" -> Benchmark.PASSED;
            case "start_fails" -> Benchmark.FAILED;
            case "interrupted" -> interrupts.exitCode();
            default -> Benchmark.NOT_VALID;
        };
    }

    private CapacityReport.Step row(int n, double rate, WaveOutcome o, StepJudge.Verdict v) {
        Stats fi = o.latencyFromIntendedMs();
        TokenMetrics tokens = o.section(TokenMetrics.SECTION);
        Map<String, Double> util = v.utilization().isEmpty() ? null : new LinkedHashMap<>(v.utilization());
        String verdict = switch (v.kind()) {
            case PASS -> "pass";
            case FAIL -> "fail";
            case CLIENT_LIMITED -> "client_limited";
            case COUNT_DISAGREES -> "count_disagrees";
            case INTERRUPTED -> "interrupted";
        };
        io.inferencebench.outcome.WarmUp warmUp = o.section(io.inferencebench.outcome.WarmUp.SECTION);
        return new CapacityReport.Step(n, o.runName(), rate, Stats.round(o.clientRps()), Stats.round(o.serverRps()),
                o.fired(), warmUp == null ? null : warmUp.started(), o.successRate(), fi == null ? null : fi.p50(), fi == null ? null : fi.p90(),
                fi == null ? null : fi.p99(),
                tokens == null || tokens.timeToFirstTokenMs() == null ? null : tokens.timeToFirstTokenMs().p90(),
                tokens == null ? null : tokens.outputTokenThroughput(), util,
                v.counted() == null ? null : v.counted().requests(), verdict, v.reasons());
    }

    /**
     * Requests per second the server answered successfully while it answered: succeeded over the time from
     * the first response (about the shortest latency after the start) to the last. Unlike
     * {@code server_rps}, whose duration includes the first latency, it does not read low for a step of a
     * few seconds; for a step the server could not keep up with, it is the server's throughput, and quick
     * failures (errors, timed-out requests) do not count as served. {@code null} when nothing succeeded.
     */
    static Double departureRate(WaveOutcome o) {
        if (o.succeeded() < 2) {
            return null;
        }
        double seconds = o.durationS() - (o.latencyMs() == null || o.latencyMs().min() == null ? 0
                : o.latencyMs().min() / 1000);
        return seconds > 0 ? o.succeeded() / seconds : null;
    }

    /** The progress line of a finished step. */
    static String line(CapacityReport.Step s, StepJudge.Verdict v) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "achieved %s req/s, server %s/s, success %s%%",
                StepJudge.number(s.clientRps()), StepJudge.number(s.serverRps()),
                StepJudge.number(100 * s.successRate())));
        if (s.p99FromIntendedMs() != null) {
            b.append(", p99 from intended ").append(StepJudge.number(s.p99FromIntendedMs())).append(" ms");
        }
        if (s.ttftP90Ms() != null) {
            b.append(", TTFT p90 ").append(StepJudge.number(s.ttftP90Ms())).append(" ms");
        }
        if (s.serverCount() != null) {
            b.append(", server counted ").append(StepJudge.number(s.serverCount())).append('/').append(sent(s));
        }
        b.append(": ").append(v.kind().label);
        if (!v.reasons().isEmpty()) {
            b.append(" (").append(String.join("; ", v.reasons())).append(')');
        }
        return b.toString();
    }

    /** What the endpoint was sent during a step: its requests and its warm-up's. */
    static long sent(CapacityReport.Step s) {
        return s.fired() + (s.warmupFired() == null ? 0 : s.warmupFired());
    }

    /** A rate as the search chose it (four significant digits) or as given. */
    static String rate(double r) {
        return new java.math.BigDecimal(r).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** {@code <results-dir>/<stamp>_capacity-search}, not created: the first step creates it with its own. */
    static Path searchDirectory(Path resultsDir, LocalDateTime now) {
        String base = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").format(now) + "_capacity-search";
        for (int n = 1; ; n++) {
            Path d = resultsDir.resolve(n == 1 ? base : base + "_" + n);
            if (!Files.exists(d)) {
                return d;
            }
        }
    }
}
