package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    private static final LocalDateTime NOW = LocalDateTime.of(2026, 11, 29, 10, 15, 0);

    @TempDir
    Path tmp;

    @Test
    void runsInTheSameSecondGetSuffixes() throws Exception {
        Path results = tmp.resolve("results/deep");
        assertThat(RunDirectory.create(results, NOW)).hasFileName("20261129_101500_benchmark");
        assertThat(RunDirectory.create(results, NOW)).hasFileName("20261129_101500_benchmark_2");
    }

    @Test
    void aMissingResultsDirectoryThatCanBeCreatedPassesAndNothingIsLeftBehind() throws Exception {
        RunDirectory.checkWritable(tmp.resolve("not/yet"));
        RunDirectory.checkWritable(tmp);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aFileIsNamedAsAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("results"), "x");
        assertThatThrownBy(() -> RunDirectory.checkWritable(file)).isInstanceOf(BadInputException.class)
                .hasMessage("--results-dir " + file + " is a file, not a directory: give a directory for the run "
                        + "directories, e.g. --results-dir results.");
        assertThatThrownBy(() -> RunDirectory.create(file, NOW)).isInstanceOf(BadInputException.class);
    }

    @Test
    void aPathUnderAFileIsNamedWithTheFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        Path under = file.resolve("runs/today");
        assertThatThrownBy(() -> RunDirectory.checkWritable(under)).isInstanceOf(BadInputException.class)
                .hasMessage("--results-dir " + under + " lies under the file " + file + ", which cannot hold "
                        + "directories: give a directory path, e.g. --results-dir results.");
    }

    @Test
    void aReadOnlyPlaceIsFoundByARealAttempt() {
        // as root Files.isWritable says yes almost everywhere; /proc refuses new directories even to root
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        assertThatThrownBy(() -> RunDirectory.checkWritable(Path.of("/proc/ib-runs")))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--results-dir /proc/ib-runs cannot be written (/proc is read-only for this user): give a "
                        + "directory you can write to, e.g. --results-dir results.");
    }
}
