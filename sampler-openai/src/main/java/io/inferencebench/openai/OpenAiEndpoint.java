package io.inferencebench.openai;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One OpenAI-compatible endpoint during one test: what every request shares (the request head, the
 * prompts, the counter that picks each request's prompt) and the connections of every thread, closed
 * together when the test ends. Built once per test, never per sample.
 */
final class OpenAiEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final String head;
    private final Prompts prompts;
    private final boolean stream;
    private final Duration timeout;
    private final AtomicLong requests = new AtomicLong();
    private final Queue<StreamingConnection> connections = new ConcurrentLinkedQueue<>();
    /** Counts the output of answers without usage; {@code null}: such answers are counted by chunks. */
    private final ModelTokenizer tokenizer;

    OpenAiEndpoint(URI url, String apiKey, Prompts prompts, boolean stream, Duration timeout) {
        this(url, apiKey, prompts, stream, timeout, null);
    }

    OpenAiEndpoint(URI url, String apiKey, Prompts prompts, boolean stream, Duration timeout, ModelTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.url = url;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String host = url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        this.head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: InferenceBench\r\n"
                + "Content-Type: application/json\r\nAccept: " + (stream ? "text/event-stream" : "application/json") + "\r\n"
                + (apiKey == null || apiKey.isBlank() ? "" : "Authorization: Bearer " + apiKey.strip() + "\r\n")
                + "Content-Length: ";
        this.prompts = prompts;
        this.stream = stream;
        this.timeout = timeout;
    }

    /** A keep-alive connection for one thread (closed with the endpoint). */
    StreamingConnection connection() {
        StreamingConnection c = StreamingConnection.to(url);
        connections.add(c);
        return c;
    }

    /** Sends the next request on {@code connection} and returns its figures once its answer has ended. */
    TokenMeasurement request(StreamingConnection connection) {
        byte[] body = prompts.body(requests.getAndIncrement()).getBytes(StandardCharsets.UTF_8);
        byte[] request = (head + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] whole = new byte[request.length + body.length];
        System.arraycopy(request, 0, whole, 0, request.length);
        System.arraycopy(body, 0, whole, request.length, body.length);
        long start = System.nanoTime();
        TokenStream tokens = new TokenStream(start, !stream, tokenizer != null);
        connection.exchange(whole, tokens, start + timeout.toNanos());
        long end = System.nanoTime();
        return stream ? tokens.measurement(end, tokenizer) : whole(tokens, start, end);
    }

    /** A non-streamed answer: its latency and its {@code usage} (else the tokenizer's count of its text). */
    private TokenMeasurement whole(TokenStream answer, long start, long end) {
        byte[] bytes = answer.wholeBody();
        if (answer.error() != null) {
            return TokenMeasurement.of(start, -1, -1, -1, end, -1, -1, TokenMeasurement.COUNTED_AS_USAGE,
                    bytes.length, answer.error());
        }
        try {
            JsonNode answerJson = JSON.readTree(bytes);
            JsonNode usage = answerJson.path("usage");
            int output = usage.path("completion_tokens").asInt(-1);
            String countedAs = TokenMeasurement.COUNTED_AS_USAGE;
            if (output < 0 && tokenizer != null) {
                StringBuilder text = new StringBuilder();
                for (JsonNode choice : answerJson.path("choices")) {
                    text.append(choice.path("message").path("content").asText(choice.path("text").asText("")));
                }
                output = tokenizer.count(text.toString());
                countedAs = TokenMeasurement.COUNTED_AS_TOKENIZER;
            }
            return TokenMeasurement.of(start, -1, -1, -1, end, output, usage.path("prompt_tokens").asInt(-1),
                    countedAs, bytes.length, null);
        } catch (IOException e) {
            return TokenMeasurement.of(start, -1, -1, -1, end, -1, -1, TokenMeasurement.COUNTED_AS_USAGE,
                    bytes.length, "the answer is not JSON: " + Chunks.abbreviate(new String(bytes, StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void close() {
        StreamingConnection c;
        while ((c = connections.poll()) != null) {
            c.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
