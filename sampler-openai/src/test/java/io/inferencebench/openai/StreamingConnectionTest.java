package io.inferencebench.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;

/**
 * The HTTP/1.1 reading over {@code http://} against a raw server, by both readers: the
 * {@link StreamingConnectionContract}. Over TLS: {@link TlsStreamingConnectionTest}.
 */
class StreamingConnectionTest extends StreamingConnectionContract {
    private ServerSocket server;

    @Override
    URI serve(Function<Integer, String> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    for (int n = 0; ; n++) {
                        if (!readRequest(in)) {
                            break;
                        }
                        String a = answer.apply(n);
                        if (a == null) {
                            break;
                        }
                        write(out, a);
                        if (a.contains("Connection: close") || a.contains("X-Then-Cut") || !a.startsWith("HTTP/1.1")) {
                            break;
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // next connection
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
    }

    @Override
    String scheme() {
        return "http";
    }

    @Override
    int largeRequestBytes() {
        return 24 * 1024 * 1024;
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
