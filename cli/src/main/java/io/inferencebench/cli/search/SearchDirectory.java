package io.inferencebench.cli.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A capacity search's directory, as {@code --plot} reads it: given one, it compares the search's steps
 * (every sub-directory with a {@code summary.json}, in the order they ran).
 */
public final class SearchDirectory {
    private SearchDirectory() {
    }

    /** Whether {@code dir} is a search directory (it holds {@code capacity.json}). */
    public static boolean is(Path dir) {
        return Files.isRegularFile(dir.resolve(CapacityReport.FILE_NAME));
    }

    /** The run directories to compare: each search directory replaced by its steps, the others as given. */
    public static List<Path> expand(List<Path> directories) {
        List<Path> out = new ArrayList<>();
        for (Path d : directories) {
            if (!is(d)) {
                out.add(d);
                continue;
            }
            try (Stream<Path> children = Files.list(d)) {
                // run directories are named by their start time: by name is the order they ran
                children.filter(c -> Files.isRegularFile(c.resolve("summary.json"))).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
