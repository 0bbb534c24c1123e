package io.inferencebench.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} answer as its bytes arrive, and times every server-sent event at
 * the moment its first byte arrived (aiperf's definition). Events are split at a blank line ({@code \n\n} or {@code \r\n\r\n}); only their
 * {@code data:} lines matter. A content event counts as a chunk; the usage, error and {@code [DONE]}
 * events say how many tokens there were and how the stream ended.
 *
 * <p>One instance per request, fed by the thread that reads the connection.
 */
final class TokenStream {
    private final long startNanos;
    /** A non-streamed answer: its body, kept whole; {@code null} for a stream. */
    private final ByteArrayOutputStream whole;

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
    /** The generated text, kept only to count it with the model's tokenizer when the server sends no usage. */
    private final StringBuilder text;

    TokenStream(long startNanos) {
        this(startNanos, false, false);
    }

    /**
     * @param whole    the answer is one JSON document (a non-streamed request), not events
     * @param keepText keep the generated text, for {@link #measurement(long, ModelTokenizer)} with a tokenizer
     */
    TokenStream(long startNanos, boolean whole, boolean keepText) {
        this.startNanos = startNanos;
        this.whole = whole ? new ByteArrayOutputStream(1024) : null;
        this.text = keepText && !whole ? new StringBuilder(512) : null;
    }

    /** Feeds bytes that arrived at {@code nanos}. */
    void accept(byte[] data, long nanos) {
        accept(data, 0, data.length, nanos);
    }

    void accept(byte[] data, int offset, int length, long nanos) {
        bytes += length;
        if (failedStatus != 0) {
            failedBody.write(data, offset, Math.min(length, Math.max(0, 4096 - failedBody.size())));
            return;
        }
        if (whole != null) {
            whole.write(data, offset, length);
            return;
        }
        // one pass over the read: find where events end, copy each run of an event's bytes in one go
        int i = offset;
        int stop = offset + length;
        while (i < stop) {
            if (eventLength == 0) {
                while (i < stop && (data[i] == '\n' || data[i] == '\r')) {
                    i++; // blank lines between events
                }
                if (i == stop) {
                    return;
                }
                eventNanos = nanos;
                newlines = 0;
            }
            int from = i;
            boolean ended = false;
            while (i < stop) {
                byte b = data[i++];
                if (b == '\n') {
                    if (++newlines == 2) {
                        ended = true;
                        break;
                    }
                } else if (b != '\r') { // CRLF line ends: the LF decides
                    newlines = 0;
                }
            }
            append(data, from, i - from);
            if (ended) {
                eventEnded();
            }
        }
    }

    private void append(byte[] data, int from, int n) {
        if (eventLength + n > event.length) {
            event = java.util.Arrays.copyOf(event, Math.max(event.length * 2, eventLength + n));
        }
        System.arraycopy(data, from, event, eventLength, n);
        eventLength += n;
    }

    /** The body of a non-streamed answer. */
    byte[] wholeBody() {
        return whole == null ? new byte[0] : whole.toByteArray();
    }

    /** The server answered with {@code status} instead of a stream: keep its body for the message. */
    TokenStream failedWith(int status) {
        failedStatus = status;
        failedBody = new java.io.ByteArrayOutputStream();
        return this;
    }

    /** The event in {@link #event} is complete: its data lines are read where they lie. */
    private void eventEnded() {
        int length = eventLength;
        eventLength = 0;
        newlines = 0;
        boolean errorEvent = false;
        int dataFrom = -1;
        int dataTo = -1;
        int lines = 0;
        int lineStart = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || event[i] == '\n') {
                int lineEnd = i > lineStart && event[i - 1] == '\r' ? i - 1 : i;
                if (startsWith(lineStart, lineEnd, DATA)) {
                    int from = lineStart + DATA.length;
                    if (from < lineEnd && event[from] == ' ') {
                        from++;
                    }
                    if (lines++ == 0) {
                        dataFrom = from;
                        dataTo = lineEnd;
                    } else {
                        // several data lines make one payload, joined by newlines (rare: kept apart)
                        joined = joined == null ? new java.io.ByteArrayOutputStream() : joined;
                        if (lines == 2) {
                            joined.reset();
                            joined.write(event, dataFrom, dataTo - dataFrom);
                        }
                        joined.write('\n');
                        joined.write(event, from, lineEnd - from);
                    }
                } else if (startsWith(lineStart, lineEnd, EVENT)) {
                    errorEvent = new String(event, lineStart + EVENT.length, lineEnd - lineStart - EVENT.length,
                            StandardCharsets.UTF_8).trim().equals("error");
                }
                lineStart = i + 1;
            }
        }
        if (lines == 1) {
            data(event, dataFrom, dataTo, errorEvent, eventNanos);
        } else if (lines > 1) {
            byte[] payload = joined.toByteArray();
            data(payload, 0, payload.length, errorEvent, eventNanos);
        }
    }

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private java.io.ByteArrayOutputStream joined;

    private boolean startsWith(int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (event[from + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    private void data(byte[] b, int from, int to, boolean errorEvent, long nanos) {
        if (to - from == DONE.length && java.util.Arrays.equals(b, from, to, DONE, 0, DONE.length)) {
            doneSeen = true;
            return;
        }
        int found = Chunks.scan(b, from, to);
        if (errorEvent || (found & Chunks.ERROR) != 0) {
            String payload = new String(b, from, to - from, StandardCharsets.UTF_8);
            if (errorEvent || Chunks.isError(payload)) {
                if (error == null) {
                    error = Chunks.errorMessage(payload);
                }
                return;
            }
        }
        if ((found & Chunks.CONTENT) != 0) {
            if (text != null) {
                Chunks.appendContent(b, from, to, text);
            }
            contentChunks++;
            if (firstContentNanos < 0) {
                firstContentNanos = nanos;
            } else if (secondContentNanos < 0) {
                secondContentNanos = nanos;
            }
            lastContentNanos = nanos;
        }
        int[] usage = (found & Chunks.USAGE) != 0 ? Chunks.usage(b, from, to) : null;
        if (usage != null) {
            usagePromptTokens = usage[0];
            usageOutputTokens = usage[1];
        }
    }

    /** The connection broke or timed out: the request fails with {@code why}, keeping what arrived. */
    void broken(String why) {
        if (error == null) {
            error = whole != null || failedStatus != 0 ? why
                    : "the stream broke after " + contentChunks + " chunks: " + why;
        }
    }

    /** The answer ended. */
    TokenStream end() {
        if (failedStatus != 0) {
            error = Chunks.statusMessage(failedStatus, failedBody.toString(StandardCharsets.UTF_8));
            return this;
        }
        if (whole != null) {
            return this;
        }
        if (eventLength > 0) {
            eventEnded(); // a last event without its blank line still counts
        }
        if (error == null && !doneSeen) {
            error = "the stream ended without data: [DONE] after " + contentChunks + " chunks";
        }
        return this;
    }

    String error() {
        return error;
    }

    /** The request's token figures; {@code endNanos} is when the answer ended. */
    TokenMeasurement measurement(long endNanos) {
        return measurement(endNanos, null);
    }

    /**
     * The request's token figures: output tokens from the server's usage, else from {@code tokenizer}
     * over the generated text (when given and the text was kept), else the content chunks.
     */
    TokenMeasurement measurement(long endNanos, ModelTokenizer tokenizer) {
        int output;
        String countedAs;
        if (usageOutputTokens >= 0) {
            output = usageOutputTokens;
            countedAs = TokenMeasurement.COUNTED_AS_USAGE;
        } else if (tokenizer != null && text != null) {
            output = tokenizer.count(text.toString());
            countedAs = TokenMeasurement.COUNTED_AS_TOKENIZER;
        } else {
            output = contentChunks;
            countedAs = TokenMeasurement.COUNTED_AS_CHUNKS;
        }
        return TokenMeasurement.of(startNanos, firstContentNanos, secondContentNanos, lastContentNanos, endNanos,
                output, usagePromptTokens, countedAs, bytes, error);
    }

    /**
     * Loads and compiles the reading of a stream before the first request, so the first requests of a
     * wave are not timed by a cold JVM (their TTFT read up to 100 ms high without it).
     */
    static void warmUp() {
        byte[] chunk = ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the\"},\"finish_reason\":null}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] end = ("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":64}}\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 200; i++) {
            TokenStream s = new TokenStream(0);
            for (int k = 0; k < 64; k++) {
                s.accept(chunk, k);
            }
            s.accept(end, 64);
            s.end().measurement(65);
        }
    }

    int contentChunks() {
        return contentChunks;
    }

    int failedStatus() {
        return failedStatus;
    }
}
