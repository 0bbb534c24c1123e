package io.inferencebench.cli;

import java.util.Map;

import org.apache.jmeter.testelement.TestElement;

import io.inferencebench.outcome.WaveOutcome;

/**
 * What each request of a wave is: a plain HTTP POST, or a call of the user's Python {@code invoke}
 * (and, later, a streaming OpenAI-compatible request). A target is checked with the spec; it is
 * opened once the endpoint's address is known and before the run directory exists, so whatever can
 * still go wrong on starting it (a factories file that raises) is bad input with nothing written.
 */
public interface WaveTarget {
    /** {@code http} or {@code python}: the outcome's {@code spec.mode}. */
    String mode();

    /** The endpoint's base URL the user gave ({@code --url}), exported as {@code IB_ENDPOINT_URL}; or null. */
    default String endpointUrl() {
        return null;
    }

    /**
     * Starts what serves the requests.
     *
     * @param endpointUrl the endpoint's base URL ({@code IB_ENDPOINT_URL}): the simulator's, or {@code --url}; may be null
     */
    Open open(String endpointUrl, Console console);

    /** A target ready for one wave. */
    interface Open extends AutoCloseable {
        /** Adds the sampler (and what it needs) to the wave's plan. */
        void addTo(PlanBuilder plan);

        /** The line that says what the wave sends. */
        String describe();

        /** The URL or file the outcome records as the wave's target. */
        String target();

        /** JMeter properties the plan reads (their values for this run; a replay may set others). */
        default Map<String, String> properties() {
            return Map.of();
        }

        /** How to replay the saved plan against another endpoint, or {@code null}. */
        default String replay() {
            return null;
        }

        /**
         * The request the embedded warm-up sends to its private simulator at {@code localBaseUrl}: this target's own
         * sampler where it has one of its own, so that its classes are loaded and its code compiled before the first
         * measured start, not during the wave; {@code null}: the warm-up's plain HTTP POST.
         */
        default TestElement warmUpSampler(String localBaseUrl) {
            return null;
        }

        /** The outcome with this target's own part added (the Python runtime's figures). */
        default WaveOutcome contribute(WaveOutcome outcome) {
            return outcome;
        }

        @Override
        default void close() {
        }
    }
}
