package io.inferencebench.wave;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.apache.jmeter.threads.JMeterContextService;

import io.inferencebench.outcome.WaveOutcome;

/**
 * What a plan's own elements add to the outcome of a plan run ({@code jmeter -n}, the GUI, a remote
 * engine). The benchmark command gives each part of a wave a {@link WaveSection}; in a plan no one
 * orchestrates, so an element that knows a section of the outcome (the Python sampler: its workers and
 * runtime, which the verdict needs to tell queueing in the workers from a busy machine) registers it at
 * test start, and the Wave Summary and the Client Bottleneck Detector of the same JVM add it at test end.
 *
 * <p>Entries are keyed, so an element started again replaces its own, and stamped with JMeter's test
 * start, so what a test without a Wave Summary registered is never read by a later test (and is dropped
 * by the next registration).
 */
public final class PlanSections {
    private record Entry(long testStart, UnaryOperator<WaveOutcome> section) {
    }

    private static final Map<Object, Entry> SECTIONS = new ConcurrentHashMap<>();

    private PlanSections() {
    }

    /**
     * Registers, for the test now starting, what {@code key}'s element adds to the outcome; call it from
     * {@code testStarted}. The function runs at test end (possibly after the element's own
     * {@code testEnded}), so it should read figures such as restarts then, not copy them now.
     */
    public static void register(Object key, UnaryOperator<WaveOutcome> section) {
        long testStart = JMeterContextService.getTestStartTime();
        SECTIONS.values().removeIf(e -> e.testStart() != testStart);
        SECTIONS.put(key, new Entry(testStart, section));
    }

    /** The outcome with every section registered during the running test added. */
    public static WaveOutcome addTo(WaveOutcome outcome) {
        long testStart = JMeterContextService.getTestStartTime();
        WaveOutcome result = outcome;
        for (Entry e : SECTIONS.values()) {
            if (e.testStart() == testStart) {
                result = e.section().apply(result);
            }
        }
        return result;
    }
}
