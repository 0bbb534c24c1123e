package io.inferencebench.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The Python worker script, copied out of the jar once per JVM so that Python can run it. */
final class WorkerScript {
    static final String RESOURCE = "ib_worker.py";

    private WorkerScript() {
    }

    /** The script's path in a temporary folder, removed when the JVM exits. */
    static Path path() {
        return Holder.PATH;
    }

    private static final class Holder {
        static final Path PATH = extract();

        private static Path extract() {
            try (InputStream in = WorkerScript.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the sampler-python jar");
                }
                Path folder = Files.createTempDirectory("inferencebench-python");
                folder.toFile().deleteOnExit(); // registered first, so deleted after the script
                Path script = folder.resolve(RESOURCE);
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
                script.toFile().deleteOnExit();
                return script;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the Python worker script to a temporary folder", e);
            }
        }
    }
}
