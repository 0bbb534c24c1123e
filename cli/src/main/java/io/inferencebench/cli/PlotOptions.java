package io.inferencebench.cli;

import java.util.ArrayList;
import java.util.List;

import io.inferencebench.cli.search.SearchDirectory;
import io.inferencebench.report.ComparisonReport;
import io.inferencebench.report.ReportFiles;
import io.inferencebench.report.ReportOptions;
import picocli.CommandLine.Option;

/** {@code --plot DIR...}: compare finished runs in one HTML report and an Excel summary (no wave runs). */
public class PlotOptions {
    @Option(names = "--plot", arity = "1..*", paramLabel = "DIR", description = "Compare run directories (spaces or commas) in one HTML report and Excel summary; runs no wave. A --find-max-rps search directory stands for its steps.")
    List<String> plot = new ArrayList<>();

    @Option(names = "--plot-output-dir", paramLabel = "DIR", description = "Where the report goes (default: the first --plot directory).")
    String plotOutputDir;

    @Option(names = "--plot-fields", paramLabel = "JSON", description = "Metrics to keep per section, e.g. '{\"wave\": [\"Latency (ms)\", \"Server RPS\"]}'.")
    String plotFields;

    @Option(names = "--plot-metadata", paramLabel = "JSON|FILE", description = "Per-run legend and hover lines keyed by run-directory name; inline JSON or a .json file.")
    String plotMetadata;

    @Option(names = "--theme", paramLabel = "light|dark", description = "Colour theme of the report (default ${DEFAULT-VALUE}).", defaultValue = "light")
    String theme;

    boolean requested() {
        return !plot.isEmpty();
    }

    int run(Console console) {
        java.util.List<java.nio.file.Path> given = ComparisonReport.runDirectories(plot);
        // a capacity search's directory stands for its steps, and its report goes beside them
        String output = plotOutputDir == null && SearchDirectory.is(given.get(0)) ? given.get(0).toString() : plotOutputDir;
        ReportFiles files = ComparisonReport.build(SearchDirectory.expand(given),
                ReportOptions.fromFlags(output, plotFields, plotMetadata, theme));
        for (String warning : files.warnings()) {
            console.println("Note: " + warning);
        }
        console.println("Report:        " + files.html());
        console.println("Excel summary: " + files.workbook());
        return Benchmark.PASSED;
    }
}
