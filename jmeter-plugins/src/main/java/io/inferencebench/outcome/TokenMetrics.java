package io.inferencebench.outcome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The {@code tokens} section: an LLM wave's token figures over its successful requests, with aiperf's
 * definitions (docs/summary-json.md). Present when any request reported a token figure.
 *
 * @param requests                       successful requests with a token figure
 * @param tokensCountedAs                {@code usage} (the server's count), {@code tokenizer} (the model's
 *                                       tokenizer over the generated text), {@code chunks} (content chunks
 *                                       counted by the client), or those that requests had joined by
 *                                       {@code +} ({@code usage+chunks}) when they differed
 * @param timeToFirstTokenMs             request start to the first content chunk
 * @param timeToSecondTokenMs            first to second content chunk
 * @param interTokenLatencyMs            (request latency - TTFT) / (output tokens - 1), per request
 * @param requestLatencyMs               request start to the last content chunk
 * @param outputTokens                   per request
 * @param inputTokens                    per request ({@code usage.prompt_tokens})
 * @param outputTokenThroughputPerUser   1000 / ITL per request, tokens/s
 * @param outputTokenThroughput          total output tokens / (last response end - first request start), tokens/s
 * @param goodput                        requests meeting every SLO per second; {@code null} when no SLO was given
 * @param goodRequests                   requests meeting every SLO; {@code null} when no SLO was given
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"requests", "tokens_counted_as", "output_token_throughput", "total_output_tokens",
        "total_input_tokens", "goodput", "good_requests"})
public record TokenMetrics(long requests, String tokensCountedAs, Double outputTokenThroughput, Long totalOutputTokens,
                           Long totalInputTokens, Double goodput, Long goodRequests, Stats timeToFirstTokenMs, Stats timeToSecondTokenMs,
                           Stats interTokenLatencyMs, Stats requestLatencyMs, Stats outputTokens, Stats inputTokens,
                           Stats outputTokenThroughputPerUser) {
    public static final SectionKey<TokenMetrics> SECTION = new SectionKey<>("tokens", TokenMetrics.class);
    public static final String COUNTED_AS_USAGE = "usage";
    public static final String COUNTED_AS_TOKENIZER = "tokenizer";
    public static final String COUNTED_AS_CHUNKS = "chunks";

    /**
     * aiperf's inter-token latency of one request: (request latency - TTFT) / (output tokens - 1);
     * {@code NaN} without two tokens. One definition for every sampler.
     */
    public static double interTokenLatencyMs(double requestLatencyMs, double ttftMs, double outputTokens) {
        return outputTokens >= 2 && !Double.isNaN(requestLatencyMs) && !Double.isNaN(ttftMs)
                ? (requestLatencyMs - ttftMs) / (outputTokens - 1) : Double.NaN;
    }
}
