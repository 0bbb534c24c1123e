package io.inferencebench.openai;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The sampler's CPU per streamed answer outside the socket: a 64-token chat stream as the simulator
 * sends it (one SSE event per token, then usage and [DONE]) fed to {@link TokenStream} one event per
 * read, against the same stream read the plain way (a String and a Jackson tree per event) in the same
 * run; then the model's tokenizer counting a 64-token answer. Times are this thread's CPU time, which
 * a machine shared with other work disturbs far less than the clock. Not a test: bench/llm/chunk-path runs it.
 */
public final class ChunkPathBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChunkPathBench() {
    }

    public static void main(String[] args) throws Exception {
        byte[][] events = stream();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int n = 20_000;
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = cpu();
            for (int i = 0; i < n; i++) {
                sink += ours(events);
            }
            long t1 = cpu();
            for (int i = 0; i < n; i++) {
                sink += jacksonPerEvent(events);
            }
            long t2 = cpu();
            double oursUs = (t1 - t0) / 1e3 / n;
            double plainUs = (t2 - t1) / 1e3 / n;
            System.out.printf("round %d: TokenStream %.2f us CPU per 64-token stream; String + Jackson tree per event %.2f us;"
                    + " ratio %.2f%n", r + 1, oursUs, plainUs, plainUs / oursUs);
        }
        if (args.length > 1) {
            try (ModelTokenizer tokenizer = ModelTokenizer.read(Path.of(args[1]), "tokenizer")) {
                String text = " the of and to in is that it for on with as was at by be".repeat(4);
                for (int r = 0; r < rounds; r++) {
                    long t0 = cpu();
                    for (int i = 0; i < n / 4; i++) {
                        sink += tokenizer.count(text);
                    }
                    System.out.printf("round %d: tokenizer %.2f us CPU per 64-token answer (%d tokens)%n", r + 1,
                            (cpu() - t0) / 1e3 / (n / 4), tokenizer.count(text));
                }
            }
        }
        System.out.println(sink == 42 ? "" : "(done)");
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static long ours(byte[][] events) {
        TokenStream s = new TokenStream(0);
        long t = 0;
        for (byte[] e : events) {
            s.accept(e, 0, e.length, t += 20_000_000L);
        }
        return s.end().measurement(t).outputTokens();
    }

    /** The plain way: every event a String, every data payload a JSON tree. */
    private static long jacksonPerEvent(byte[][] events) throws Exception {
        long tokens = 0;
        for (byte[] e : events) {
            String event = new String(e, StandardCharsets.UTF_8);
            for (String line : event.split("\n")) {
                if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                    JsonNode node = JSON.readTree(line.substring(6));
                    JsonNode content = node.path("choices").path(0).path("delta").path("content");
                    if (content.isTextual() && !content.asText().isEmpty()) {
                        tokens++;
                    }
                    if (node.path("usage").has("completion_tokens")) {
                        tokens = node.path("usage").path("completion_tokens").asLong();
                    }
                }
            }
        }
        return tokens;
    }

    /** The simulator's chat stream of 64 tokens, one event per read, as it writes them. */
    private static byte[][] stream() {
        String[] words = {"the", "of", "and", "to", "in", "is", "that", "it", "for", "on", "with", "as", "was", "at", "by", "be"};
        byte[][] events = new byte[66][];
        String head = "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1764900000,"
                + "\"model\":\"sim\",\"choices\":[";
        for (int k = 0; k < 64; k++) {
            events[k] = (head + "{\"index\":0,\"delta\":{" + (k == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":\" "
                    + words[k % words.length] + "\"},\"finish_reason\":" + (k == 63 ? "\"length\"" : "null") + "}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8);
        }
        events[64] = (head + "],\"usage\":{\"prompt_tokens\":128,\"completion_tokens\":64,\"total_tokens\":192}}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        events[65] = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        return events;
    }
}
