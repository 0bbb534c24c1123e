package io.inferencebench.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 answer, read as its bytes arrive in whatever pieces the network hands over: the head,
 * then a chunked, sized or close-delimited body whose bytes go to a {@link TokenStream} with the time
 * they arrived. Pushed, not pulled, so that one reader thread can follow thousands of answers at once
 * ({@link ReaderConnection}) and a thread that reads its own socket ({@link BlockingConnection}) parses
 * the same way. Speaks what OpenAI-compatible servers send; a {@code 1xx} head is followed by the real one.
 */
final class HttpAnswer {
    private static final int MAX_LINE = 16 * 1024;

    private enum State { STATUS, HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, SIZED, TO_CLOSE, DONE }

    private final TokenStream stream;
    private State state = State.STATUS;
    /** The line being gathered (head lines, chunk sizes), without its line end. */
    private byte[] line = new byte[128];
    private int lineLength;
    private int status = -1;
    private boolean keepAlive = true;
    private boolean chunked;
    private long contentLength = -1;
    /** Body bytes still due in the current chunk, or in a sized body. */
    private long remaining;
    private boolean started;

    HttpAnswer(TokenStream stream) {
        this.stream = stream;
    }

    /**
     * Feeds bytes that arrived at {@code nanos}. Returns how many of them belong to this answer: fewer
     * than {@code length} only when the answer ended inside them.
     */
    int feed(byte[] data, int offset, int length, long nanos) throws IOException {
        started |= length > 0;
        int i = offset;
        int stop = offset + length;
        while (i < stop && state != State.DONE) {
            switch (state) {
                case CHUNK_DATA, SIZED -> {
                    int n = (int) Math.min(remaining, stop - i);
                    stream.accept(data, i, n, nanos);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.CHUNK_DATA ? State.CHUNK_END : State.DONE;
                    }
                }
                case TO_CLOSE -> {
                    stream.accept(data, i, stop - i, nanos);
                    i = stop;
                }
                default -> {
                    int newline = i;
                    while (newline < stop && data[newline] != '\n') {
                        newline++;
                    }
                    gather(data, i, newline - i);
                    i = newline;
                    if (newline < stop) {
                        i++;
                        if (lineLength > 0 && line[lineLength - 1] == '\r') {
                            lineLength--;
                        }
                        lineEnded();
                        lineLength = 0;
                    }
                }
            }
        }
        return i - offset;
    }

    /** The connection ended: that ends a close-delimited body, and breaks any other answer not yet complete. */
    void endOfConnection() throws IOException {
        if (state == State.TO_CLOSE) {
            state = State.DONE;
        } else if (state != State.DONE) {
            throw new IOException(state == State.STATUS || state == State.HEADERS
                    ? "the connection closed before the answer's head was complete"
                    : "the connection closed in the middle of the answer");
        }
    }

    boolean complete() {
        return state == State.DONE;
    }

    /** Whether any byte of the answer arrived (before none did, a request may be sent again on a new connection). */
    boolean started() {
        return started;
    }

    /** Whether the connection may carry the next request once this answer is complete. */
    boolean keepAlive() {
        return keepAlive;
    }

    private void gather(byte[] data, int from, int n) throws IOException {
        if (lineLength + n > line.length) {
            if (lineLength + n > MAX_LINE) {
                throw new IOException(state == State.STATUS || state == State.HEADERS
                        ? "a line of the answer's head is longer than " + MAX_LINE + " bytes"
                        : "a line of the answer is longer than " + MAX_LINE + " bytes");
            }
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        }
        System.arraycopy(data, from, line, lineLength, n);
        lineLength += n;
    }

    private void lineEnded() throws IOException {
        switch (state) {
            case STATUS -> status();
            case HEADERS -> header();
            case CHUNK_SIZE -> {
                remaining = chunkSize();
                state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
            }
            case CHUNK_END -> state = State.CHUNK_SIZE; // the CRLF after a chunk's data
            case TRAILERS -> {
                if (lineLength == 0) {
                    state = State.DONE;
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    /** "HTTP/1.1 200 OK". */
    private void status() throws IOException {
        String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) {
            return; // a stray line end before the head
        }
        if (!text.startsWith("HTTP/1.") || text.length() < 12) {
            throw new IOException("the endpoint did not answer in HTTP/1.1: " + Chunks.abbreviate(text));
        }
        try {
            status = Integer.parseInt(text.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("the endpoint did not answer in HTTP/1.1: " + Chunks.abbreviate(text));
        }
        keepAlive = text.startsWith("HTTP/1.1");
        chunked = false;
        contentLength = -1;
        state = State.HEADERS;
    }

    private void header() throws IOException {
        if (lineLength == 0) {
            headEnded();
            return;
        }
        String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "transfer-encoding" -> chunked = value.contains("chunked");
            case "content-length" -> {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("the answer's Content-Length is not a number: " + Chunks.abbreviate(value));
                }
            }
            case "connection" -> keepAlive = !value.contains("close") && (keepAlive || value.contains("keep-alive"));
            default -> {
            }
        }
    }

    private void headEnded() {
        if (status / 100 == 1) {
            state = State.STATUS; // 100 Continue and the like: the real head follows
            return;
        }
        if (status / 100 != 2) {
            stream.failedWith(status);
        }
        if (status == 204 || status == 304) {
            state = State.DONE;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.DONE : State.SIZED;
        } else {
            keepAlive = false;
            state = State.TO_CLOSE;
        }
    }

    /** A chunk's size: hexadecimal digits, then maybe {@code ;extensions}. */
    private long chunkSize() throws IOException {
        long size = 0;
        int digits = 0;
        int i = 0;
        while (i < lineLength && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        for (; i < lineLength; i++) {
            int d = Character.digit(line[i], 16);
            if (d < 0) {
                if (line[i] != ';' && line[i] != ' ' && line[i] != '\t') {
                    digits = 0;
                }
                break;
            }
            if (++digits > 15) {
                break;
            }
            size = size * 16 + d;
        }
        if (digits == 0 || digits > 15) {
            throw new IOException("the answer's chunk size is not a hexadecimal number: "
                    + Chunks.abbreviate(new String(line, 0, lineLength, StandardCharsets.ISO_8859_1)));
        }
        return size;
    }

    /** Loads and compiles the reading of an answer before the first request, as {@link TokenStream#warmUp} does. */
    static void warmUp() {
        byte[] event = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the\"},\"finish_reason\":null}]}\n\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] size = (Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] chunkEnd = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] last = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try {
            for (int i = 0; i < 200; i++) {
                HttpAnswer answer = new HttpAnswer(new TokenStream(0));
                answer.feed(head, 0, head.length, 0);
                for (int k = 0; k < 64; k++) {
                    answer.feed(size, 0, size.length, k);
                    answer.feed(event, 0, event.length, k);
                    answer.feed(chunkEnd, 0, chunkEnd.length, k);
                }
                answer.feed(last, 0, last.length, 64);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // a well-formed answer
        }
    }
}
