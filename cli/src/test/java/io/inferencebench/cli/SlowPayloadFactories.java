package io.inferencebench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A factories file whose payload callable burns 20 ms of CPU per request: one worker builds at most about 50
 * payloads a second, so a faster wave queues requests in the worker before {@code invoke} runs.
 */
final class SlowPayloadFactories {
    private SlowPayloadFactories() {
    }

    /** Writes the file into {@code dir} and returns it. */
    static Path writeInto(Path dir) throws IOException {
        return Files.writeString(dir.resolve("heavy.py"), """
                import time

                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        return None
                    return invoke

                def payload_factory():
                    def build():
                        end = time.thread_time() + 0.02   # 20 ms of CPU per payload: at most ~50/s per worker
                        x = 0
                        while time.thread_time() < end:
                            x += 1
                        return {"n": x}
                    return {"pre_computed": False, "input": build}
                """);
    }
}
