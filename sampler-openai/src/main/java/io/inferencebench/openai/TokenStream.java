package io.inferencebench.openai;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a {@code text/event-stream} answer as the HTTP client hands its bytes over, and times every
 * server-sent event at the moment its first byte arrived (aiperf's definition), not when a reader got
 * round to it. Events are split at a blank line ({@code \n\n} or {@code \r\n\r\n}); only their
 * {@code data:} lines matter. A content event counts as a chunk; the usage, error and {@code [DONE]}
 * events say how many tokens there were and how the stream ended.
 *
 * <p>Runs on the HTTP client's threads: one instance per response, never shared.
 */
final class TokenStream implements HttpResponse.BodySubscriber<TokenStream> {
    private final long startNanos;
    private final CompletableFuture<TokenStream> done = new CompletableFuture<>();
    private Flow.Subscription subscription;

    /** The event being read: its bytes so far and when its first byte arrived. */
    private byte[] event = new byte[512];
    private int eventLength;
    private long eventNanos;
    /** Trailing line ends of the event being read, to find the blank line that ends it. */
    private int newlines;

    private long bytes;
    private int contentChunks;
    private long firstContentNanos = -1;
    private long secondContentNanos = -1;
    private long lastContentNanos = -1;
    private int usageOutputTokens = -1;
    private int usagePromptTokens = -1;
    private boolean doneSeen;
    private String error;
    /** Not 0 when the server answered with an error status: the body is then its explanation, not a stream. */
    private int failedStatus;
    private java.io.ByteArrayOutputStream failedBody;

    TokenStream(long startNanos) {
        this.startNanos = startNanos;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        long now = System.nanoTime();
        for (ByteBuffer buffer : buffers) {
            bytes += buffer.remaining();
            while (buffer.hasRemaining()) {
                accept(buffer.get(), now);
            }
        }
    }

    /** Testable without a network: feeds bytes that arrived at {@code nanos}. */
    void accept(byte[] data, long nanos) {
        bytes += data.length;
        for (byte b : data) {
            accept(b, nanos);
        }
    }

    /** The server answered with {@code status} instead of a stream: keep its body for the message. */
    TokenStream failedWith(int status) {
        failedStatus = status;
        failedBody = new java.io.ByteArrayOutputStream();
        return this;
    }

    private void accept(byte b, long now) {
        if (failedStatus != 0) {
            if (failedBody.size() < 4096) {
                failedBody.write(b);
            }
            return;
        }
        if (b == '\r') {
            return; // CRLF line ends: the LF decides
        }
        if (b == '\n') {
            if (eventLength == 0) {
                return; // blank lines between events
            }
            if (++newlines == 2) {
                eventEnded();
                return;
            }
        } else {
            newlines = 0;
        }
        if (eventLength == 0) {
            eventNanos = now;
        }
        if (eventLength == event.length) {
            event = java.util.Arrays.copyOf(event, event.length * 2);
        }
        event[eventLength++] = b;
    }

    private void eventEnded() {
        int length = eventLength;
        eventLength = 0;
        newlines = 0;
        boolean errorEvent = false;
        StringBuilder data = null;
        String single = null;
        int lineStart = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || event[i] == '\n') {
                if (startsWith(lineStart, i, "data:")) {
                    int from = lineStart + 5;
                    if (from < i && event[from] == ' ') {
                        from++;
                    }
                    String line = new String(event, from, i - from, StandardCharsets.UTF_8);
                    if (single == null && data == null) {
                        single = line;
                    } else {
                        if (data == null) {
                            data = new StringBuilder(single);
                        }
                        data.append('\n').append(line);
                    }
                } else if (startsWith(lineStart, i, "event:")) {
                    errorEvent = new String(event, lineStart + 6, i - lineStart - 6, StandardCharsets.UTF_8).trim()
                            .equals("error");
                }
                lineStart = i + 1;
            }
        }
        String payload = data != null ? data.toString() : single;
        if (payload != null) {
            data(payload, errorEvent, eventNanos);
        }
    }

    private boolean startsWith(int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (event[from + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private void data(String payload, boolean errorEvent, long nanos) {
        if (payload.equals("[DONE]")) {
            doneSeen = true;
            return;
        }
        if (errorEvent || Chunks.isError(payload)) {
            if (error == null) {
                error = Chunks.errorMessage(payload);
            }
            return;
        }
        if (Chunks.hasContent(payload)) {
            contentChunks++;
            if (firstContentNanos < 0) {
                firstContentNanos = nanos;
            } else if (secondContentNanos < 0) {
                secondContentNanos = nanos;
            }
            lastContentNanos = nanos;
        }
        if (Chunks.mayHaveUsage(payload)) {
            int[] usage = Chunks.usage(payload);
            if (usage != null) {
                usagePromptTokens = usage[0];
                usageOutputTokens = usage[1];
            }
        }
    }

    @Override
    public void onError(Throwable throwable) {
        if (error == null) {
            String message = throwable.getMessage();
            error = "the stream broke after " + contentChunks + " chunks: "
                    + (message == null ? throwable.getClass().getSimpleName() : message);
        }
        done.complete(this);
    }

    @Override
    public void onComplete() {
        if (failedStatus != 0) {
            error = Chunks.statusMessage(failedStatus, failedBody.toString(StandardCharsets.UTF_8));
            done.complete(this);
            return;
        }
        if (eventLength > 0) {
            eventEnded(); // a last event without its blank line still counts
        }
        if (error == null && !doneSeen) {
            error = "the stream ended without data: [DONE] after " + contentChunks + " chunks";
        }
        done.complete(this);
    }

    @Override
    public CompletionStage<TokenStream> getBody() {
        return done;
    }

    /** Stops reading (the test was stopped). */
    void cancel(String why) {
        if (error == null) {
            error = why;
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        done.complete(this);
    }

    /** Ends a stream fed through {@link #accept(byte[], long)}. */
    TokenStream end() {
        onComplete();
        return this;
    }

    /** The request's token figures; {@code endNanos} is when the answer ended. */
    TokenMeasurement measurement(long endNanos) {
        int output = usageOutputTokens >= 0 ? usageOutputTokens : contentChunks;
        return TokenMeasurement.of(startNanos, firstContentNanos, secondContentNanos, lastContentNanos, endNanos,
                output, usagePromptTokens, usageOutputTokens >= 0 ? TokenMeasurement.COUNTED_AS_USAGE
                        : TokenMeasurement.COUNTED_AS_CHUNKS, bytes, error);
    }

    int contentChunks() {
        return contentChunks;
    }

    int failedStatus() {
        return failedStatus;
    }
}
