package io.inferencebench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run directories for tests, copied from src/test/resources so reports written into them never
 * touch the sources. Each holds a summary.json as docs/summary-json.md describes it:
 * <ul>
 *   <li>{@link #G5_XLARGE}: every section (late starts, measurements incl. status, aiperf,
 *       CloudWatch plus a failed Prometheus stream);</li>
 *   <li>{@link #G5_2XLARGE}: server metrics and measurements, no aiperf;</li>
 *   <li>{@link #G6_XLARGE}: no server metrics, no measurements, no latency from intended start;
 *       aiperf from an older release (no time_to_second_token, goodput null);</li>
 *   <li>{@link #SCHEMA_2}: a summary.json from a future InferenceBench.</li>
 * </ul>
 */
final class RunFixtures {
    static final String G5_XLARGE = "20261129_101500_benchmark";
    static final String G5_2XLARGE = "20261129_103000_benchmark";
    static final String G6_XLARGE = "20261129_104500_benchmark";
    /** Written by a real wave of this version (schema 2, with its client_hw section). */
    static final String SCHEMA_2_WAVE = "20261204_140508_benchmark";
    static final String FUTURE_SCHEMA = "20270301_120000_benchmark_schema9";
    static final List<String> THREE_RUNS = List.of(G5_XLARGE, G5_2XLARGE, G6_XLARGE);

    private RunFixtures() {
    }

    static List<Path> copy(Path into, String... runNames) {
        return copy(into, List.of(runNames));
    }

    static List<Path> copy(Path into, List<String> runNames) {
        List<Path> directories = new ArrayList<>();
        for (String name : runNames) {
            Path directory = into.resolve(name);
            try (InputStream summary = RunFixtures.class.getResourceAsStream("runs/" + name + "/summary.json")) {
                if (summary == null) {
                    throw new IllegalArgumentException("no fixture run " + name);
                }
                Files.createDirectories(directory);
                Files.copy(summary, directory.resolve(RunSummary.FILE_NAME));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            directories.add(directory);
        }
        return directories;
    }

    /** The --plot-metadata file naming the three runs by instance type (one value needs escaping). */
    static Path metadataFile(Path into) {
        Path file = into.resolve("plot-metadata.json");
        try (InputStream metadata = RunFixtures.class.getResourceAsStream("plot-metadata.json")) {
            Files.copy(metadata, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
