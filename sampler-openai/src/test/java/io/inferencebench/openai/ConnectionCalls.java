package io.inferencebench.openai;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The client side of the connection tests, for {@code http://} ({@link StreamingConnectionTest}) and
 * {@code https://} ({@link TlsStreamingConnectionTest}) alike: a connection on either route, a small
 * request, a stop from another thread, and a request larger than a socket takes at once.
 */
final class ConnectionCalls {
    private ConnectionCalls() {
    }

    /** A connection read by the shared reader ({@code "reader"}) or on the calling thread ({@code "thread"}). */
    static StreamingConnection open(String reader, URI url) {
        return reader.equals("reader") ? new ReaderConnection(url, StreamReader.shared()) : new BlockingConnection(url);
    }

    /** One small request with a 5 s timeout. */
    static TokenStream exchange(StreamingConnection c) {
        return exchange(c, new TokenStream(System.nanoTime()), 5_000);
    }

    static TokenStream exchange(StreamingConnection c, TokenStream s, long timeoutMs) {
        c.exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.UTF_8), s,
                System.nanoTime() + timeoutMs * 1_000_000);
        return s;
    }

    /** Closes {@code c} in 300 ms, as JMeter's stop calls the sampler's interrupt(). */
    static Thread stopLater(StreamingConnection c) {
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            c.close();
        });
        stopper.start();
        return stopper;
    }

    /** A POST whose JSON body is {@code bodyBytes} long (spaces between the braces). */
    static byte[] largeRequest(int bodyBytes) {
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        byte[] head = ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }
}
