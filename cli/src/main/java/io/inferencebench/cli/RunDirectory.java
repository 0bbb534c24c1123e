package io.inferencebench.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * {@code <results-dir>/<YYYYmmdd_HHMMSS>_benchmark/}: one per wave, created only once the input has
 * been checked; two runs in the same second get {@code _2}, {@code _3}, ... instead of colliding.
 */
public final class RunDirectory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private RunDirectory() {
    }

    public static Path create(Path resultsDir, LocalDateTime now) throws IOException {
        return create(resultsDir, now, "benchmark");
    }

    /** A run directory of another kind, e.g. {@code 20261129_101500_fd-limit}. */
    public static Path create(Path resultsDir, LocalDateTime now, String kind) throws IOException {
        Files.createDirectories(resultsDir);
        String base = STAMP.format(now) + "_" + kind;
        for (int n = 1; ; n++) {
            Path dir = resultsDir.resolve(n == 1 ? base : base + "_" + n);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException taken) {
                // same second as another run: try the next suffix
            }
        }
    }
}
