package io.inferencebench.cli.aiperf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.aiperf.PayloadSource;
import io.inferencebench.cli.HttpTarget;
import io.inferencebench.cli.OpenAiTarget;
import io.inferencebench.cli.PythonTarget;
import io.inferencebench.cli.WaveTarget;
import io.inferencebench.python.PythonOptions;

/**
 * The wave's payloads for aiperf's input, from the wave's own target: a factories file's
 * {@code payload_factory} (every pre-computed payload, or one call per aiperf request), an LLM wave's
 * prompts file, or the body of a plain HTTP wave. An LLM wave with synthetic prompts has none: aiperf
 * then makes its own synthetic prompts of the same length ({@link AiperfOptions}).
 */
final class WavePayloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WavePayloads() {
    }

    /** The payloads of {@code target}, or {@code null} when aiperf should make synthetic ones. */
    static PayloadSource of(WaveTarget target) {
        if (target instanceof PythonTarget python) {
            return calls -> fromFactories(python.options(), python.endpointUrl(), calls);
        }
        if (target instanceof OpenAiTarget openai) {
            Path prompts = openai.promptsFile();
            return prompts == null ? null : calls -> lines(Files.readAllLines(prompts, StandardCharsets.UTF_8));
        }
        if (target instanceof HttpTarget http) {
            return calls -> List.of(JSON.readTree(http.body()));
        }
        return null;
    }

    private static List<JsonNode> lines(List<String> lines) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** Runs {@code payload_factory()} once in the wave's Python, as the workers load it. */
    private static List<JsonNode> fromFactories(PythonOptions options, String endpointUrl, long calls)
            throws IOException, InterruptedException {
        Path script = Files.createTempFile("ib_aiperf_payloads", ".py");
        try (InputStream in = WavePayloads.class.getResourceAsStream("ib_aiperf_payloads.py")) {
            Files.write(script, in.readAllBytes());
            ProcessBuilder pb = new ProcessBuilder(options.python(), script.toString(),
                    options.factoriesFile().toAbsolutePath().toString(), Long.toString(calls));
            pb.environment().putAll(options.environment());
            if (endpointUrl != null) {
                pb.environment().put(PythonTarget.ENDPOINT_ENV, endpointUrl);
            }
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            List<JsonNode> payloads = lines(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().toList());
            int exit = p.waitFor();
            if (exit != 0) {
                String[] errLines = new String(err.join(), StandardCharsets.UTF_8).strip().split("\n");
                throw new IOException("payload_factory() in " + options.factoriesFile() + " failed: "
                        + errLines[errLines.length - 1].strip());
            }
            return payloads;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
