package io.inferencebench.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes factories files for tests, so each test shows the Python it runs. */
final class Factories {
    private Factories() {
    }

    static Path write(Path folder, String name, String python) {
        try {
            Path file = folder.resolve(name);
            Files.writeString(file, python.stripIndent());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pre-computed payloads 0..count-1; invoke reports the payload and its worker's pid. */
    static Path numbered(Path folder, int count) {
        return write(folder, "numbered.py", """
                import os

                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        return {"item": payload, "pid": os.getpid()}
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": list(range(%d))}
                """.formatted(count));
    }
}
