package io.inferencebench.wave;

import java.util.List;

/**
 * Per-sample values our elements attach to a JMeter sample as thread variables, so they travel
 * with every {@code SampleEvent} (also from remote engines) and land as extra JTL columns when
 * listed in JMeter's {@code sample_variables} property.
 *
 * <p>Values are plain decimal strings; an empty or missing value means "not measured".
 */
public final class SampleFields {
    /** Intended start of the request, epoch milliseconds with microsecond decimals. */
    public static final String INTENDED_START_MS = "ib_intended_ms";
    /** How late the request started against its intended start, in milliseconds (>= 0). */
    public static final String LATENESS_MS = "ib_late_ms";
    /**
     * Arrivals the late policy ({@code drop:MS}) skipped on this engine just before this start, so a
     * controller can count dropped starts in distributed runs; summed over samples it is the total.
     */
    public static final String DROPPED = "ib_dropped";
    /** Time the request waited inside the client (e.g. a Python worker queue) before it was sent. */
    public static final String QUEUE_MS = "ib_queue_ms";
    /** Optional measurements an invoke may report (see docs/python-factories.md). */
    public static final String STATUS = "ib_status";
    public static final String RESPONSE_BYTES = "ib_response_bytes";
    public static final String INPUT_TOKENS = "ib_input_tokens";
    public static final String OUTPUT_TOKENS = "ib_output_tokens";
    public static final String TTFT_MS = "ib_ttft_ms";
    /** Token figures of a streamed LLM answer, with aiperf's definitions (docs/summary-json.md, {@code tokens}). */
    public static final String TTST_MS = "ib_ttst_ms";
    public static final String ITL_MS = "ib_itl_ms";
    /** Request start to the last content chunk (aiperf's request latency), ms with microsecond decimals. */
    public static final String REQUEST_LATENCY_MS = "ib_request_latency_ms";
    /** {@code usage} (the server's count) or {@code chunks} (content chunks counted by the client). */
    public static final String TOKENS_COUNTED_AS = "ib_tokens_counted_as";
    /** {@code 1} when the request met every SLO it was given, {@code 0} when not; empty without SLOs (goodput). */
    public static final String SLO_MET = "ib_slo_met";

    /** {@code 1} for a start of the wave's warm-up ({@code ib.warmup}): in the JTL, left out of the summary. */
    public static final String WARM_UP = "ib_warmup";

    /** Every field, in JTL column order. */
    public static final List<String> ALL = List.of(
            INTENDED_START_MS, LATENESS_MS, DROPPED, QUEUE_MS,
            STATUS, RESPONSE_BYTES, INPUT_TOKENS, OUTPUT_TOKENS, TTFT_MS,
            TTST_MS, ITL_MS, REQUEST_LATENCY_MS, TOKENS_COUNTED_AS, SLO_MET, WARM_UP);

    private static final java.util.Map<String, Integer> POSITION = positions();

    private static java.util.Map<String, Integer> positions() {
        java.util.Map<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < ALL.size(); i++) {
            m.put(ALL.get(i), i);
        }
        return java.util.Map.copyOf(m);
    }

    /** A field's position in {@link #ALL} (read once per field of every sample: a hash lookup, not a scan). */
    public static int position(String field) {
        return POSITION.get(field);
    }

    private SampleFields() {
    }
}
