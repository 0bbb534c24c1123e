package io.inferencebench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The run directories waves wrote under a results directory, as the tests read them. */
final class RunDirectories {
    private RunDirectories() {
    }

    /** The newest run: run directories are named by their start, so they sort by time. */
    static Path latest(Path results) throws IOException {
        try (Stream<Path> runs = Files.list(results)) {
            List<Path> dirs = runs.sorted().toList();
            return dirs.get(dirs.size() - 1);
        }
    }

    /** The newest run's {@code summary.json}. */
    static JsonNode latestSummary(Path results) throws IOException {
        return new ObjectMapper().readTree(latest(results).resolve("summary.json").toFile());
    }
}
