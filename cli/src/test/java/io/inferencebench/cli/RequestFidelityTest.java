package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.inferencebench.testsupport.CapturedConsole;

/** Every request is the one the user asked for: its query string, its credentials, its timeout. */
class RequestFidelityTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path results;

    @Test
    void theQueryStringIsSentAndUrlCredentialsBecomeBasicAuthThatNoFileOrLineShows() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        server.start();
        try {
            String url = "http://ib-user:pa55-w0rd@127.0.0.1:" + server.getAddress().getPort()
                    + "/openai/deployments/m/chat/completions?api-version=2024-02-01";
            int code = Benchmark.execute("--url", url, "--client-rps", "10", "--num-requests", "3", "--quiet",
                    "--no-warmup", "--results-dir", results.toString());
            assertThat(code).as(console.out() + console.err()).isEqualTo(Benchmark.PASSED);
        } finally {
            server.stop(0);
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString("ib-user:pa55-w0rd".getBytes(StandardCharsets.UTF_8));
        assertThat(received).hasSize(3).allSatisfy(r -> assertThat(r)
                .isEqualTo("/openai/deployments/m/chat/completions?api-version=2024-02-01 " + basic));
        assertThat(console.out() + console.err()).doesNotContain("pa55-w0rd").doesNotContain(basic.substring(6));
        try (var files = Files.walk(results)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain("pa55-w0rd").doesNotContain(basic.substring(6));
            }
        }
    }
}
