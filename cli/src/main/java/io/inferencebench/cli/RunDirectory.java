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
        checkWritable(resultsDir);
        try {
            Files.createDirectories(resultsDir);
        } catch (IOException e) {
            throw new BadInputException(cannotWrite(resultsDir, e));
        }
        String base = STAMP.format(now) + "_" + kind;
        for (int n = 1; ; n++) {
            Path dir = resultsDir.resolve(n == 1 ? base : base + "_" + n);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException taken) {
                // same second as another run: try the next suffix
            } catch (IOException e) {
                throw new BadInputException(cannotWrite(resultsDir, e));
            }
        }
    }

    /**
     * Checks, before anything starts, that run directories can be created under {@code resultsDir}: it is a
     * directory or can become one, and this user can write there (a real attempt, so a read-only file system
     * or a root-owned folder are found as well as missing permissions). Leaves nothing behind.
     *
     * @throws BadInputException one sentence naming {@code --results-dir} and the fix
     */
    public static void checkWritable(Path resultsDir) {
        Path dir = resultsDir.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException("--results-dir " + resultsDir + " is a file, not a directory: give a directory "
                    + "for the run directories, e.g. --results-dir results.");
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new BadInputException("--results-dir " + resultsDir + " is on no file system here: give a directory "
                    + "you can write to, e.g. --results-dir results.");
        }
        if (!Files.isDirectory(existing)) {
            throw new BadInputException("--results-dir " + resultsDir + " lies under the file " + existing
                    + ", which cannot hold directories: give a directory path, e.g. --results-dir results.");
        }
        if (!Files.isWritable(existing)) {
            throw new BadInputException(readOnly(resultsDir, existing));
        }
        try {
            Files.delete(Files.createTempDirectory(existing, ".ib-write-check-"));
        } catch (IOException | SecurityException e) {
            throw new BadInputException(readOnly(resultsDir, existing));
        }
    }

    private static String readOnly(Path resultsDir, Path existing) {
        return "--results-dir " + resultsDir + " cannot be written (" + existing + " is read-only for this user): "
                + "give a directory you can write to, e.g. --results-dir results.";
    }

    /** A failure to create the directories after the check passed (a race, a full disk): still one sentence. */
    private static String cannotWrite(Path resultsDir, IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            why = fs.getReason();
        }
        return "Cannot create a run directory under --results-dir " + resultsDir + " (" + why.strip()
                + "): give a directory you can write to, e.g. --results-dir results.";
    }
}
