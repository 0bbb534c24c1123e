package io.inferencebench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code benchmark --plot DIR...}: compares runs in one HTML report ({@value #HTML_NAME}) and one
 * Excel workbook ({@value #WORKBOOK_NAME}), both read from each run's {@code summary.json} alone.
 *
 * <pre>{@code
 * ReportFiles files = ComparisonReport.build(ComparisonReport.runDirectories(plotArgs),
 *         ReportOptions.fromFlags(plotOutputDir, plotFields, plotMetadata, theme));
 * }</pre>
 */
public final class ComparisonReport {
    public static final String HTML_NAME = "benchmark_report.html";
    public static final String WORKBOOK_NAME = "benchmark_summary.xlsx";

    private ComparisonReport() {
    }

    /**
     * The run directories of {@code --plot}'s values, which may also be comma-separated
     * ({@code --plot a,b c}).
     *
     * @throws ReportInputException when no directory is named
     */
    public static List<Path> runDirectories(List<String> plotArguments) {
        List<Path> directories = new ArrayList<>();
        for (String argument : plotArguments) {
            for (String part : argument.split(",")) {
                if (!part.isBlank()) {
                    try {
                        directories.add(Path.of(part.trim()));
                    } catch (InvalidPathException e) {
                        throw new ReportInputException("--plot \"" + part.trim() + "\" is not a valid path: pass run directories.", e);
                    }
                }
            }
        }
        if (directories.isEmpty()) {
            throw new ReportInputException("--plot needs at least one run directory, e.g. --plot results/20261129_101500_benchmark.");
        }
        return directories;
    }

    /**
     * Reads every run, draws the charts and writes the report and the workbook into the output
     * directory (default: the first run directory), replacing earlier ones. Nothing is written
     * when an input is bad.
     *
     * @throws ReportInputException for a directory that is not a run, a missing, corrupt or
     *                              unknown-version {@code summary.json}, or an output directory that
     *                              cannot be written; the message is one sentence with the fix
     */
    public static ReportFiles build(List<Path> runDirectories, ReportOptions options) {
        if (runDirectories.isEmpty()) {
            throw new ReportInputException("--plot needs at least one run directory, e.g. --plot results/20261129_101500_benchmark.");
        }
        List<RunSummary> summaries = runDirectories.stream().map(RunSummary::read).toList();
        Comparison comparison = Comparison.of(summaries, options.fields(), options.metadata());
        Path output = options.outputDirectory() != null ? options.outputDirectory() : runDirectories.get(0);
        checkWritable(output); // before the charts are drawn, so a bad directory is told at once

        List<byte[]> pictures = new ArrayList<>();
        String html = HtmlReport.render(comparison, options.theme(), (panel, variant, mapName) -> {
            BarChart.Drawn drawn = BarChart.draw(panel, variant, comparison.runs(), options.theme(), mapName);
            if (variant == panel.defaultVariant() && options.theme() == Theme.LIGHT) {
                pictures.add(drawn.png());
            }
            return drawn;
        }, WORKBOOK_NAME, Instant.now());
        if (options.theme() != Theme.LIGHT) {
            // A workbook is read on white: its pictures are always light.
            pictures.addAll(lightPictures(comparison));
        }
        byte[] workbook = ExcelSummary.write(comparison, pictures);

        Path htmlFile = output.resolve(HTML_NAME);
        Path workbookFile = output.resolve(WORKBOOK_NAME);
        writeAll(output, List.of(new Output(htmlFile, html.getBytes(StandardCharsets.UTF_8)),
                new Output(workbookFile, workbook)));
        return new ReportFiles(htmlFile, workbookFile, comparison.warnings());
    }

    /**
     * The Excel summary of one run, written as {@value #WORKBOOK_NAME} into its directory: what
     * the Excel Summary listener does at test end.
     *
     * @throws ReportInputException as {@link #build}
     */
    public static Path writeWorkbook(Path runDirectory) {
        Comparison comparison = Comparison.of(List.of(RunSummary.read(runDirectory)), PlotFields.all(), PlotMetadata.none());
        byte[] workbook = ExcelSummary.write(comparison, lightPictures(comparison));
        Path file = runDirectory.resolve(WORKBOOK_NAME);
        writeAll(runDirectory, List.of(new Output(file, workbook)));
        return file;
    }

    private static List<byte[]> lightPictures(Comparison comparison) {
        List<byte[]> pictures = new ArrayList<>();
        for (Comparison.Panel panel : comparison.panels()) {
            pictures.add(BarChart.draw(panel, panel.defaultVariant(), comparison.runs(), Theme.LIGHT, "unused").png());
        }
        return pictures;
    }

    private record Output(Path file, byte[] bytes) {
    }

    /** Creates the directory if needed and proves a file can be written in it. */
    private static void checkWritable(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (FileAlreadyExistsException e) {
            throw new ReportInputException("Cannot write the report to " + directory
                    + ": it is a file, not a directory; pass --plot-output-dir with a directory.", e);
        } catch (IOException | SecurityException e) {
            throw new ReportInputException("Cannot create the report directory " + directory + " (" + reason(e)
                    + "): pass --plot-output-dir with a directory you can write.", e);
        }
        try {
            Files.delete(Files.createTempFile(directory, ".benchmark_report", ".probe"));
        } catch (IOException | SecurityException e) {
            throw new ReportInputException("Cannot write the report to " + directory + " (" + reason(e)
                    + "): pass --plot-output-dir with a directory you can write.", e);
        }
    }

    /** Writes each file beside its final name first, then renames it, so a reader never sees half a file. */
    private static void writeAll(Path directory, List<Output> outputs) {
        checkWritable(directory);
        List<Path> temporary = new ArrayList<>();
        try {
            for (Output output : outputs) {
                Path part = Files.createTempFile(directory, "." + output.file().getFileName(), ".part");
                temporary.add(part);
                Files.write(part, output.bytes());
            }
            for (int i = 0; i < outputs.size(); i++) {
                move(temporary.get(i), outputs.get(i).file());
            }
        } catch (IOException | SecurityException e) {
            throw new ReportInputException("Cannot write the report to " + directory + " (" + reason(e)
                    + "): pass --plot-output-dir with a directory you can write.", e);
        } finally {
            for (Path part : temporary) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // a leftover .part file is harmless; the report itself is complete or absent
                }
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    }
}
