package io.inferencebench.cli.search;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.inferencebench.outcome.SectionKey;

/**
 * The {@code capacity} section: what a {@code --find-max-rps} search found, why it stopped there, every
 * step it ran, and what the found rate costs (docs/capacity-search.md). Written into the {@code summary.json}
 * of the step the answer rests on and, alone, as {@code capacity.json} in the search directory.
 *
 * @param result            {@code found}, {@code max_sustained}, {@code start_fails}, {@code client_limited},
 *                          {@code server_count_disagrees} or {@code interrupted}
 * @param maxSustainableRps the highest client rate that met every constraint; {@code null} when none did
 * @param lowestFailingRps  the lowest rate above it that did not; {@code null} when none failed
 * @param bindingConstraint the constraint that failed at {@code lowestFailingRps}, with its figures and rate
 * @param message           the search's answer in one sentence, as printed
 * @param stepWarmupS       seconds each step ran at its rate before its counted {@code stepTimeS} (not counted)
 * @param constraints       what every step had to meet
 * @param steps             every step, in the order run
 * @param cost              with {@code --instance-price} and {@code --instances}; else {@code null}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"result", "max_sustainable_rps", "lowest_failing_rps", "binding_constraint", "message",
        "start_rps", "max_rps", "precision", "step_time_s", "step_warmup_s", "constraints", "waves", "wall_time_s", "steps", "cost"})
public record CapacityReport(String result, Double maxSustainableRps, Double lowestFailingRps, String bindingConstraint,
                             String message, double startRps, double maxRps, double precision, double stepTimeS,
                             double stepWarmupS, List<String> constraints, int waves, double wallTimeS, List<Step> steps, Cost cost) {
    public static final SectionKey<CapacityReport> SECTION = new SectionKey<>("capacity", CapacityReport.class);
    public static final String FILE_NAME = "capacity.json";

    public CapacityReport {
        constraints = List.copyOf(constraints);
        steps = List.copyOf(steps);
    }

    /**
     * One step: a wave at one client rate.
     *
     * @param run          the step's run directory, relative to the search directory
     * @param verdict      {@code pass}, {@code fail}, {@code client_limited}, {@code count_disagrees}, {@code interrupted}
     * @param reasons      each constraint that failed, or why the step is unusable
     * @param warmupFired  the requests of the step's warm-up (not in any other figure), or {@code null} without one
     * @param serverCount  the requests the server counted over the step and its warm-up, or {@code null}
     * @param utilization  each {@code --max-utilization} metric's mean over the step ({@code null}: not measured)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(int step, String run, double targetRps, double clientRps, double serverRps, long fired,
                       Long warmupFired,
                       double successRate, Double p50FromIntendedMs, Double p90FromIntendedMs, Double p99FromIntendedMs,
                       Double ttftP90Ms, Double outputTokenThroughput, Map<String, Double> utilization,
                       Double serverCount, String verdict, List<String> reasons) {
        public Step {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * What the found rate costs, assuming the rate scales with the instances (docs/capacity-search.md).
     *
     * @param instancePriceUsdPerHour {@code --instance-price}, or {@code null} (then no cost figures)
     * @param instancesNeeded     with {@code --target-rps}: instances to serve it, each planned at
     *                            {@code 1 - headroom} of its sustainable rate
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cost(Double instancePriceUsdPerHour, int instances, double requestsPerHourPerInstance,
                       Double usdPerMillionRequests, Double usdPerMillionOutputTokens, Double targetRps,
                       Double headroom, Integer instancesNeeded) {
    }
}
