package io.inferencebench.cli;

import java.util.Map;
import java.util.function.Function;

import org.apache.jmeter.testelement.TestElement;

/**
 * A wave's JMeter plan and what running it needs: the JMeter properties the plan reads (set for the
 * run only; secrets among them never reach {@code plan.jmx}), how long the schedule lasts, the grace
 * period, the peak rate the warm-up matches, and what the warm-up sends to its private simulator, given that
 * simulator's base URL ({@link WaveTarget.Open#warmUpSampler}: {@code null} for an HTTP POST).
 */
public record WavePlan(PlanBuilder plan, Map<String, String> properties, double scheduleSeconds, double graceS,
                       double peakRate, boolean warmup, Function<String, TestElement> warmUpSampler) {
    public WavePlan {
        properties = Map.copyOf(properties);
    }

    /** Nanoseconds the run may last before requests still in flight are cut off (never overflows). */
    long deadlineNanos(long startNanos) {
        double nanos = (scheduleSeconds + graceS) * 1e9 + 2e9;
        return nanos >= Long.MAX_VALUE / 2 ? startNanos + Long.MAX_VALUE / 2 : startNanos + (long) nanos;
    }
}
