package io.inferencebench.report;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to build a comparison report: the {@code --plot-*} and {@code --theme} flags.
 *
 * @param outputDirectory where the report and workbook go; null for the first run directory
 * @param fields          which metrics to keep
 * @param metadata        legends and hover lines per run
 * @param theme           light or dark
 */
public record ReportOptions(Path outputDirectory, PlotFields fields, PlotMetadata metadata, Theme theme) {

    public ReportOptions {
        fields = Objects.requireNonNullElseGet(fields, PlotFields::all);
        metadata = Objects.requireNonNullElseGet(metadata, PlotMetadata::none);
        theme = Objects.requireNonNullElse(theme, Theme.LIGHT);
    }

    /** Every metric, no metadata, light theme, into the first run directory. */
    public static ReportOptions defaults() {
        return new ReportOptions(null, null, null, null);
    }

    /**
     * Options from the command line's flag values as given; any may be null (flag absent).
     *
     * @param plotOutputDir {@code --plot-output-dir}
     * @param plotFields    {@code --plot-fields}, a JSON object
     * @param plotMetadata  {@code --plot-metadata}, inline JSON or a .json path
     * @param theme         {@code --theme}, light or dark
     * @throws ReportInputException naming the flag whose value is wrong
     */
    public static ReportOptions fromFlags(String plotOutputDir, String plotFields, String plotMetadata, String theme) {
        Path output = null;
        if (plotOutputDir != null && !plotOutputDir.isBlank()) {
            try {
                output = Path.of(plotOutputDir.trim());
            } catch (InvalidPathException e) {
                throw new ReportInputException("--plot-output-dir \"" + plotOutputDir + "\" is not a valid path: pass a directory.", e);
            }
        }
        return new ReportOptions(output, PlotFields.parse(plotFields), PlotMetadata.parse(plotMetadata), Theme.parse(theme));
    }
}
