package io.inferencebench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** aiperf metric tags and the names its own CSV export and the original tool's RESULTS block use. */
final class AiperfNames {
    private static final Map<String, String> HEADERS = Map.ofEntries(
            Map.entry("request_throughput", "Request Throughput"),
            Map.entry("request_latency", "Request Latency"),
            Map.entry("request_count", "Request Count"),
            Map.entry("error_request_count", "Error Request Count"),
            Map.entry("good_request_count", "Good Request Count"),
            Map.entry("goodput", "Goodput"),
            Map.entry("time_to_first_token", "Time to First Token"),
            Map.entry("time_to_second_token", "Time to Second Token"),
            Map.entry("inter_token_latency", "Inter Token Latency"),
            Map.entry("inter_chunk_latency", "Inter Chunk Latency"),
            Map.entry("output_token_throughput", "Output Token Throughput"),
            Map.entry("output_token_throughput_per_user", "Output Token Throughput Per User"),
            Map.entry("output_sequence_length", "Output Sequence Length"),
            Map.entry("input_sequence_length", "Input Sequence Length"),
            Map.entry("output_token_count", "Output Token Count"),
            Map.entry("benchmark_duration", "Benchmark Duration"),
            Map.entry("total_isl", "Total Input Sequence Length"),
            Map.entry("total_osl", "Total Output Sequence Length"),
            Map.entry("total_output_tokens", "Total Output Tokens"));

    /** The original tool's RESULTS block names for aiperf figures, and common abbreviations. */
    private static final Map<String, List<String>> ALIASES = Map.of(
            "request_throughput", List.of("Server RPS", "RPS", "Throughput"),
            "request_latency", List.of("Latency"),
            "request_count", List.of("Total requests"),
            "benchmark_duration", List.of("Duration"),
            "time_to_first_token", List.of("TTFT"),
            "time_to_second_token", List.of("TTST"),
            "inter_token_latency", List.of("ITL"),
            "output_sequence_length", List.of("OSL"),
            "input_sequence_length", List.of("ISL"));

    private AiperfNames() {
    }

    static String header(String tag) {
        String known = HEADERS.get(tag);
        if (known != null) {
            return known;
        }
        StringBuilder header = new StringBuilder();
        for (String word : tag.split("_")) {
            if (!word.isEmpty()) {
                header.append(header.length() == 0 ? "" : " ")
                        .append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
            }
        }
        return header.length() == 0 ? tag : header.toString();
    }

    static List<String> aliases(String tag) {
        return ALIASES.getOrDefault(tag, List.of());
    }
}
