package io.inferencebench.cli.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

import io.inferencebench.cli.BadInputException;
import io.inferencebench.cli.Console;
import io.inferencebench.cli.Interrupts;
import io.inferencebench.cli.WaveSpec;
import io.inferencebench.metrics.ServerMetricsSection;
import io.inferencebench.pacing.LoadProfile;
import picocli.CommandLine.Option;

/** The flags of {@code benchmark --find-max-rps}: the capacity search and what the found rate costs. */
public class SearchOptions {
    @Option(names = "--find-max-rps", description = "Find the highest client rate the endpoint sustains under the success threshold, every --slo/--threshold and --max-utilization: steps of --step-time s, ramping x2 from --start-rps, then narrowing to --precision; see docs/capacity-search.md.")
    boolean findMaxRps;

    @Option(names = "--start-rps", paramLabel = "R", description = "Rate of the search's first step (default: --client-rps).")
    Double startRps;

    @Option(names = "--max-rps", paramLabel = "R", description = "Highest rate the search tries (default ${DEFAULT-VALUE}).", defaultValue = "100000")
    double maxRps;

    @Option(names = "--precision", paramLabel = "P", description = "The search stops when the lowest failing rate is within P of the highest sustained one: 0.05 or 5%% (default ${DEFAULT-VALUE}).", defaultValue = "0.05")
    String precision;

    @Option(names = "--step-time", paramLabel = "S", description = "Seconds each step of the search runs (default ${DEFAULT-VALUE}).", defaultValue = "20")
    double stepTime;

    @Option(names = "--step-warmup", paramLabel = "S", description = "Seconds each step runs at its own rate before its --step-time, not counted, so its figures exclude ramp-up and connection set-up (default: 20%% of --step-time, at most 10; 0 for none).")
    Double stepWarmup;

    @Option(names = "--max-utilization", paramLabel = "METRIC=LIMIT,...", description = "Server utilisation ceilings of the search, e.g. GPUUtilization=80: the metric's average over each step (from --endpoint-config) must not exceed LIMIT.")
    String maxUtilization;

    @Option(names = "--server-count", paramLabel = "METRIC", description = "The server's request counter to check each step's fired requests against (default: CloudWatch Invocations or the simulator's ib_sim_requests_received_total, when --endpoint-config measures one).")
    String serverCount;

    @Option(names = "--instance-price", paramLabel = "USD_PER_HOUR", description = "Price of one instance behind the endpoint per hour: cost per 1M requests (and per 1M output tokens) at the found rate; needs --instances.")
    Double instancePrice;

    @Option(names = "--instances", paramLabel = "N", description = "Instances behind the endpoint during the search.")
    Integer instances;

    @Option(names = "--target-rps", paramLabel = "R", description = "A rate to plan for: the instances needed at the found rate per instance, with 20%% headroom; needs --instances.")
    Double targetRps;

    /** Whether the command is a capacity search. */
    public boolean requested() {
        return findMaxRps;
    }

    /** A search flag on a plain wave would silently do nothing: one sentence instead. */
    public void checkNoStrayFlag() {
        String stray = startRps != null ? "--start-rps" : stepWarmup != null ? "--step-warmup" : maxUtilization != null ? "--max-utilization"
                : serverCount != null ? "--server-count" : instancePrice != null ? "--instance-price"
                : instances != null ? "--instances" : targetRps != null ? "--target-rps" : null;
        if (stray != null) {
            throw new BadInputException(stray + " is for a capacity search: add --find-max-rps, or leave it out.");
        }
    }

    /**
     * Runs the search over the wave {@code waveOf} builds for a step time; every flag is checked before
     * any step runs.
     */
    public int run(DoubleFunction<WaveSpec> waveOf, Console console) throws Exception {
        if (!(stepTime >= 1 && stepTime <= 86_400)) {
            throw new BadInputException("--step-time must be from 1 to 86400 seconds, got " + number(stepTime) + ".");
        }
        double warmUp = stepWarmup != null ? stepWarmup : defaultWarmUp(stepTime);
        if (!(warmUp >= 0 && warmUp <= 3600)) {
            throw new BadInputException("--step-warmup must be from 0 to 3600 seconds, got " + number(warmUp) + ".");
        }
        double p = precision();
        List<StepJudge.Ceiling> ceilings = ceilings();
        checkCost();
        WaveSpec wave = waveOf.apply(stepTime);
        double start = startRps != null ? startRps : wave.clientRps();
        double limit = LoadProfile.MAX_RATE.doubleValue();
        if (!(start > 0 && start <= limit)) {
            throw new BadInputException("--start-rps must be more than 0 and at most " + number(limit) + " req/s, got "
                    + number(start) + ".");
        }
        if (!(maxRps >= start && maxRps <= limit)) {
            throw new BadInputException("--max-rps must be at least the start rate (" + number(start) + ") and at most "
                    + number(limit) + " req/s, got " + number(maxRps) + ".");
        }
        boolean serverMetrics = wave.sections().stream().anyMatch(s -> s instanceof ServerMetricsSection);
        if (!serverMetrics && (!ceilings.isEmpty() || serverCount != null)) {
            throw new BadInputException((ceilings.isEmpty() ? "--server-count" : "--max-utilization")
                    + " reads the server's metrics: add --endpoint-config FILE that measures "
                    + (ceilings.isEmpty() ? serverCount : ceilings.get(0).metric()) + ".");
        }
        CapacitySearch.Settings settings = new CapacitySearch.Settings(start, maxRps, p, stepTime, warmUp, ceilings,
                serverCount, instancePrice, instances, targetRps);
        try (Interrupts interrupts = Interrupts.install()) {
            return new CapacitySearch(wave, settings, console, interrupts).run();
        } finally {
            console.close();
        }
    }

    /**
     * A fifth of the step, at most 10 s: long enough for the pool to grow and the connections to open at the
     * step's rate (well under a second on a client that keeps up), short enough not to lengthen a search by
     * more than a fifth.
     */
    static double defaultWarmUp(double stepTime) {
        return Math.min(10, Math.round(stepTime * 0.2 * 1000) / 1000.0);
    }

    private double precision() {
        String text = precision.strip();
        try {
            double p = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).strip()) / 100
                    : Double.parseDouble(text);
            if (p >= 0.001 && p <= 0.5) {
                return p;
            }
        } catch (NumberFormatException e) {
            // the sentence below
        }
        throw new BadInputException("--precision '" + precision + "' is not a share from 0.1% to 50%: give e.g. 5% or 0.05.");
    }

    private List<StepJudge.Ceiling> ceilings() {
        List<StepJudge.Ceiling> out = new ArrayList<>();
        if (maxUtilization == null) {
            return out;
        }
        for (String item : maxUtilization.split(",")) {
            String[] kv = item.split("=", 2);
            Double limit = null;
            if (kv.length == 2) {
                try {
                    limit = Double.parseDouble(kv[1].strip().replaceFirst("%$", ""));
                } catch (NumberFormatException e) {
                    // the sentence below
                }
            }
            if (limit == null || kv[0].isBlank() || !(limit >= 0)) {
                throw new BadInputException("--max-utilization '" + item.strip() + "' is not METRIC=LIMIT: give e.g. "
                        + "GPUUtilization=80 (the metric as --endpoint-config names it, its average over a step).");
            }
            out.add(new StepJudge.Ceiling(kv[0].strip(), limit));
        }
        return out;
    }

    private void checkCost() {
        if (instancePrice != null && !(instancePrice > 0 && instancePrice < 1e6)) {
            throw new BadInputException("--instance-price is US dollars per instance-hour, more than 0, got "
                    + number(instancePrice) + ".");
        }
        if (instances != null && !(instances >= 1)) {
            throw new BadInputException("--instances must be at least 1, got " + instances + ".");
        }
        if (targetRps != null && !(targetRps > 0 && targetRps <= LoadProfile.MAX_RATE.doubleValue())) {
            throw new BadInputException("--target-rps must be more than 0 req/s, got " + number(targetRps) + ".");
        }
        if (instances == null && (instancePrice != null || targetRps != null)) {
            throw new BadInputException((instancePrice != null ? "--instance-price" : "--target-rps")
                    + " needs --instances N: the instances behind the endpoint during the search.");
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%.0f", v) : Double.toString(v);
    }
}
