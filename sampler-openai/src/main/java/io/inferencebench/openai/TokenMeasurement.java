package io.inferencebench.openai;

/**
 * One request's token figures, with aiperf's definitions (docs/summary-json.md, {@code tokens}):
 * TTFT = first content chunk - request start; time to second token = second content chunk - first;
 * request latency = last content chunk - start; ITL = (latency - TTFT) / (output tokens - 1). Output
 * tokens are the server's usage when it sent one, else the model's tokenizer's count of the generated text
 * when a tokenizer was given, else the content chunks; ITL divides by tokens, not
 * chunks, so a server that packs several tokens into a chunk does not distort it. A figure that cannot
 * be had (no content, one token) is {@code NaN}.
 *
 * @param elapsedNanos    request start to the end of the answer (the JMeter sample's time)
 * @param outputTokens    generated tokens, or -1 when unknown (a non-streamed answer without usage)
 * @param inputTokens     the server's {@code prompt_tokens}, or -1
 * @param countedAs       {@value #COUNTED_AS_USAGE}, {@value #COUNTED_AS_TOKENIZER} or {@value #COUNTED_AS_CHUNKS}
 * @param error           why the request failed, or {@code null}
 */
record TokenMeasurement(double ttftMs, double ttstMs, double latencyMs, double itlMs, long elapsedNanos,
                        int outputTokens, int inputTokens, String countedAs, long bytes, String error) {
    static final String COUNTED_AS_USAGE = "usage";
    static final String COUNTED_AS_TOKENIZER = "tokenizer";
    static final String COUNTED_AS_CHUNKS = "chunks";

    static TokenMeasurement of(long start, long firstContent, long secondContent, long lastContent, long end,
                               int outputTokens, int inputTokens, String countedAs, long bytes, String error) {
        double ttft = firstContent < 0 ? Double.NaN : ms(firstContent - start);
        double ttst = secondContent < 0 ? Double.NaN : ms(secondContent - firstContent);
        double latency = lastContent < 0 ? ms(end - start) : ms(lastContent - start);
        double itl = io.inferencebench.outcome.TokenMetrics.interTokenLatencyMs(latency, ttft, outputTokens);
        return new TokenMeasurement(ttft, ttst, latency, itl, end - start, outputTokens, inputTokens, countedAs, bytes,
                error);
    }

    boolean ok() {
        return error == null;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
