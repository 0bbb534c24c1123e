package io.inferencebench.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What a comparison report wrote.
 *
 * @param html     the self-contained HTML report
 * @param workbook the Excel summary beside it
 * @param warnings things worth telling the user that did not stop the report (unmatched
 *                 {@code --plot-fields} or {@code --plot-metadata} names), one sentence each
 */
public record ReportFiles(Path html, Path workbook, List<String> warnings) {
    public ReportFiles {
        warnings = List.copyOf(warnings);
    }
}
