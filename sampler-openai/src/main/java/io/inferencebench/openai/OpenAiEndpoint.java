package io.inferencebench.openai;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One OpenAI-compatible endpoint during one test: the HTTP client every thread shares, the prompts and
 * the request counter that picks each request's prompt. Built once per test (never per sample).
 */
final class OpenAiEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI url;
    private final String authorization;
    private final Prompts prompts;
    private final boolean stream;
    private final Duration timeout;
    private final AtomicLong requests = new AtomicLong();

    OpenAiEndpoint(URI url, String apiKey, Prompts prompts, boolean stream, Duration timeout) {
        // HTTP/1.1: a cleartext http:// URL would otherwise try an h2c upgrade on every new connection
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.url = url;
        this.authorization = apiKey == null || apiKey.isBlank() ? null : "Bearer " + apiKey.strip();
        this.prompts = prompts;
        this.stream = stream;
        this.timeout = timeout;
    }

    /** A request under way; {@link #await} waits for its end. */
    final class Call {
        private final long start = System.nanoTime();
        private final TokenStream tokens = new TokenStream(start);
        private final CompletableFuture<?> answer;

        Call() {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(prompts.body(requests.getAndIncrement())));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (stream) {
                request.header("Accept", "text/event-stream");
                answer = client.sendAsync(request.build(),
                        info -> info.statusCode() / 100 == 2 ? tokens : tokens.failedWith(info.statusCode()));
            } else {
                answer = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            }
        }

        /** The request's figures once its answer has ended, failed, or outlived the timeout. */
        TokenMeasurement await() throws InterruptedException {
            Object body;
            try {
                body = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                answer.cancel(true);
                tokens.cancel("no complete answer within " + timeout.toSeconds() + " s (the request timeout)");
                return tokens.measurement(System.nanoTime());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                tokens.onError(cause instanceof IOException && cause.getMessage() == null
                        ? new IOException(cause.getClass().getSimpleName()) : cause);
                return tokens.measurement(System.nanoTime());
            }
            long end = System.nanoTime();
            if (stream) {
                return tokens.measurement(end);
            }
            @SuppressWarnings("unchecked")
            HttpResponse<byte[]> response = (HttpResponse<byte[]>) body;
            return whole(response, end);
        }

        /** Stops waiting: JMeter's stop. */
        void cancel() {
            answer.cancel(true);
            tokens.cancel("the test was stopped during the request");
        }

        /** A non-streamed answer: its latency and its {@code usage}. */
        private TokenMeasurement whole(HttpResponse<byte[]> response, long end) {
            byte[] bytes = response.body();
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (response.statusCode() / 100 != 2) {
                return TokenMeasurement.of(start, -1, -1, -1, end, -1, -1, TokenMeasurement.COUNTED_AS_USAGE,
                        bytes.length, Chunks.statusMessage(response.statusCode(), text));
            }
            int output = -1;
            int input = -1;
            try {
                JsonNode usage = JSON.readTree(bytes).path("usage");
                output = usage.path("completion_tokens").asInt(-1);
                input = usage.path("prompt_tokens").asInt(-1);
            } catch (IOException e) {
                return TokenMeasurement.of(start, -1, -1, -1, end, -1, -1, TokenMeasurement.COUNTED_AS_USAGE,
                        bytes.length, "the answer is not JSON: " + Chunks.abbreviate(text));
            }
            return TokenMeasurement.of(start, -1, -1, -1, end, output, input, TokenMeasurement.COUNTED_AS_USAGE,
                    bytes.length, null);
        }
    }
}
