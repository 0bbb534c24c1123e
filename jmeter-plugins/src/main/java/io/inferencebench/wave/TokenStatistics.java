package io.inferencebench.wave;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentDoubleHistogram;
import org.HdrHistogram.DoubleHistogram;

import io.inferencebench.outcome.Stats;
import io.inferencebench.outcome.TokenMetrics;

/**
 * The token figures of a wave's samples ({@code ib_ttft_ms}, {@code ib_itl_ms}, ...), accumulated as
 * they arrive into histograms, for the {@code tokens} section. Successful samples only, as aiperf does.
 * Thread-safe; memory does not grow with the samples.
 */
final class TokenStatistics {
    private final LongAdder requests = new LongAdder();
    private final LongAdder countedByUsage = new LongAdder();
    private final LongAdder countedByTokenizer = new LongAdder();
    private final LongAdder countedByChunks = new LongAdder();
    private final LongAdder judged = new LongAdder();
    private final LongAdder good = new LongAdder();
    private final DoubleHistogram ttft = histogram();
    private final DoubleHistogram ttst = histogram();
    private final DoubleHistogram itl = histogram();
    private final DoubleHistogram requestLatency = histogram();
    private final DoubleHistogram output = histogram();
    private final DoubleHistogram input = histogram();
    private final DoubleHistogram perUser = histogram();
    private final DoubleAdder ttftSum = new DoubleAdder();
    private final DoubleAdder ttstSum = new DoubleAdder();
    private final DoubleAdder itlSum = new DoubleAdder();
    private final DoubleAdder requestLatencySum = new DoubleAdder();
    private final DoubleAdder outputSum = new DoubleAdder();
    private final DoubleAdder inputSum = new DoubleAdder();
    private final DoubleAdder perUserSum = new DoubleAdder();

    private static DoubleHistogram histogram() {
        return new ConcurrentDoubleHistogram(3);
    }

    /** Records one successful sample's token fields, if it has any. */
    void record(java.util.function.Function<String, String> fields) {
        double ttftMs = WaveStatistics.number(fields.apply(SampleFields.TTFT_MS));
        double itlMs = WaveStatistics.number(fields.apply(SampleFields.ITL_MS));
        double latencyMs = WaveStatistics.number(fields.apply(SampleFields.REQUEST_LATENCY_MS));
        double outputTokens = WaveStatistics.number(fields.apply(SampleFields.OUTPUT_TOKENS));
        if (Double.isNaN(ttftMs) && Double.isNaN(itlMs) && Double.isNaN(latencyMs) && Double.isNaN(outputTokens)) {
            return; // not an LLM request: nothing per request beyond these four reads
        }
        requests.increment();
        add(ttft, ttftSum, ttftMs);
        add(ttst, ttstSum, WaveStatistics.number(fields.apply(SampleFields.TTST_MS)));
        add(itl, itlSum, itlMs);
        if (itlMs > 0) {
            add(perUser, perUserSum, 1000.0 / itlMs);
        }
        add(requestLatency, requestLatencySum, latencyMs);
        add(output, outputSum, outputTokens);
        add(input, inputSum, WaveStatistics.number(fields.apply(SampleFields.INPUT_TOKENS)));
        String met = fields.apply(SampleFields.SLO_MET);
        if (met != null && !met.isEmpty()) {
            judged.increment();
            if (met.equals("1")) {
                good.increment();
            }
        }
        String countedAs = fields.apply(SampleFields.TOKENS_COUNTED_AS);
        if (TokenMetrics.COUNTED_AS_CHUNKS.equals(countedAs)) {
            countedByChunks.increment();
        } else if (TokenMetrics.COUNTED_AS_TOKENIZER.equals(countedAs)) {
            countedByTokenizer.increment();
        } else if (!Double.isNaN(outputTokens)) {
            countedByUsage.increment();
        }
    }

    private static void add(DoubleHistogram h, DoubleAdder sum, double v) {
        if (!Double.isNaN(v) && v >= 0) {
            h.recordValue(v);
            sum.add(v);
        }
    }

    /** The section, or {@code null} when no sample had a token figure. */
    TokenMetrics summary(double durationS) {
        long n = requests.sum();
        if (n == 0) {
            return null;
        }
        // the kinds of count the requests had, in order of trust: usage, usage+chunks, tokenizer+chunks, ...
        StringBuilder kinds = new StringBuilder();
        for (var kind : java.util.List.of(java.util.Map.entry(TokenMetrics.COUNTED_AS_USAGE, countedByUsage),
                java.util.Map.entry(TokenMetrics.COUNTED_AS_TOKENIZER, countedByTokenizer),
                java.util.Map.entry(TokenMetrics.COUNTED_AS_CHUNKS, countedByChunks))) {
            if (kind.getValue().sum() > 0) {
                kinds.append(kinds.length() == 0 ? "" : "+").append(kind.getKey());
            }
        }
        String countedAs = kinds.length() == 0 ? null : kinds.toString();
        Long totalOutput = output.getTotalCount() == 0 ? null : Math.round(outputSum.sum());
        Long totalInput = input.getTotalCount() == 0 ? null : Math.round(inputSum.sum());
        Double throughput = totalOutput == null || durationS <= 0 ? null : Stats.round(totalOutput / durationS);
        // aiperf's goodput: requests meeting every SLO over the same duration as the throughput
        Long goodRequests = judged.sum() == 0 ? null : good.sum();
        Double goodput = goodRequests == null || durationS <= 0 ? null : Stats.round(goodRequests / durationS);
        return new TokenMetrics(n, countedAs, throughput, totalOutput, totalInput, goodput, goodRequests,
                Stats.ofValues(ttft, ttftSum.sum()), Stats.ofValues(ttst, ttstSum.sum()), Stats.ofValues(itl, itlSum.sum()),
                Stats.ofValues(requestLatency, requestLatencySum.sum()), Stats.ofValues(output, outputSum.sum()),
                Stats.ofValues(input, inputSum.sum()), Stats.ofValues(perUser, perUserSum.sum()));
    }
}
