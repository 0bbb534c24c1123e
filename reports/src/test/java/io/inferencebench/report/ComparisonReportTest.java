package io.inferencebench.report;

import org.apache.poi.xssf.usermodel.XSSFPicture;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComparisonReportTest {
    /** What the CLI prints before exiting with code 2: one line, one sentence. */
    private static final String ONE_SENTENCE = "[^\\n]+[.)]";

    @TempDir
    Path temp;

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTheReportAndTheWorkbookIntoTheFirstRunDirectoryByDefault() throws IOException {
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.THREE_RUNS);

        ReportFiles files = ComparisonReport.build(runs, ReportOptions.defaults());

        assertThat(files.html()).isEqualTo(runs.get(0).resolve("benchmark_report.html"));
        assertThat(files.workbook()).isEqualTo(runs.get(0).resolve("benchmark_summary.xlsx"));
        assertThat(filesIn(runs.get(0))).containsExactly("benchmark_report.html", "benchmark_summary.xlsx", "summary.json");
        assertThat(Files.readString(files.html())).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .contains("<title>Benchmark comparison: 3 runs</title>");
        try (XSSFWorkbook workbook = new XSSFWorkbook(files.workbook().toFile())) {
            assertThat(workbook.getSheet("Summary").getLastRowNum()).isEqualTo(3);
            assertThat(workbook.getSheet("Summary").getRow(2).getCell(0).getStringCellValue()).isEqualTo(RunFixtures.G5_2XLARGE);
        } catch (org.apache.poi.openxml4j.exceptions.InvalidFormatException e) {
            throw new AssertionError(e);
        }
        assertThat(files.warnings()).isEmpty();
    }

    @Test
    void aVersionOneRunComparesWithAVersionTwoRun() throws IOException {
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.G5_XLARGE, RunFixtures.SCHEMA_2_WAVE);

        ReportFiles files = ComparisonReport.build(runs, ReportOptions.defaults());

        String html = Files.readString(files.html());
        assertThat(html).contains("<title>Benchmark comparison: 2 runs</title>", RunFixtures.G5_XLARGE,
                RunFixtures.SCHEMA_2_WAVE, "Latency from intended start");
        try (XSSFWorkbook workbook = new XSSFWorkbook(files.workbook().toFile())) {
            assertThat(workbook.getSheet("Summary").getLastRowNum()).isEqualTo(2);
            assertThat(workbook.getSheet("Summary").getRow(2).getCell(0).getStringCellValue())
                    .isEqualTo(RunFixtures.SCHEMA_2_WAVE);
        } catch (org.apache.poi.openxml4j.exceptions.InvalidFormatException e) {
            throw new AssertionError(e);
        }
        // both runs give the same wave figures: the version 1 file was lifted, not half-read
        assertThat(RunSummary.read(runs.get(0)).metrics()).extracting(Metric::id)
                .contains("target_rps", "client_rps", "success_threshold", RunSummary.LATENCY);
        assertThat(RunSummary.read(runs.get(1)).metrics()).extracting(Metric::id)
                .contains("target_rps", "client_rps", "success_threshold", RunSummary.LATENCY);
    }

    @Test
    void writesIntoTheGivenOutputDirectoryCreatingItAndReplacingAnEarlierReport() throws IOException {
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.G5_XLARGE, RunFixtures.G6_XLARGE);
        Path output = temp.resolve("reports/instance-types");
        ReportOptions options = ReportOptions.fromFlags(output.toString(), null, null, "dark");

        ComparisonReport.build(runs, options);
        ReportFiles again = ComparisonReport.build(runs.subList(1, 2), options);

        assertThat(filesIn(output)).containsExactly("benchmark_report.html", "benchmark_summary.xlsx");
        assertThat(Files.readString(again.html())).contains("<title>Benchmark comparison: 1 run</title>");
        assertThat(filesIn(runs.get(0))).containsExactly("summary.json");
    }

    @Test
    void aDarkReportKeepsLightPicturesInTheWorkbook() throws Exception {
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.G5_2XLARGE);

        ReportFiles files = ComparisonReport.build(runs, ReportOptions.fromFlags(null, "{\"wave\": [\"Server RPS\"], \"server\": []}", null, "dark"));

        assertThat(Files.readString(files.html())).contains("color-scheme:dark");
        try (XSSFWorkbook workbook = new XSSFWorkbook(files.workbook().toFile())) {
            List<XSSFPicture> pictures = new ArrayList<>();
            workbook.getSheet("Charts").getDrawingPatriarch().getShapes().forEach(s -> pictures.add((XSSFPicture) s));
            assertThat(pictures).hasSize(1);
            BufferedImage chart = ImageIO.read(new ByteArrayInputStream(pictures.get(0).getPictureData().getData()));
            assertThat(new Color(chart.getRGB(2, 2))).isEqualTo(Color.WHITE);
        }
    }

    @Test
    void runDirectoriesMayBeSeparatedBySpacesOrCommas() {
        assertThat(ComparisonReport.runDirectories(List.of("results/a,results/b", "results/c", " , ")))
                .containsExactly(Path.of("results/a"), Path.of("results/b"), Path.of("results/c"));
        assertThatThrownBy(() -> ComparisonReport.runDirectories(List.of(",")))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("--plot needs at least one run directory, e.g. --plot results/20261129_101500_benchmark.");
    }

    @Test
    void unmatchedFieldAndMetadataNamesComeBackAsWarnings() {
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.G5_XLARGE);

        ReportFiles files = ComparisonReport.build(runs, ReportOptions.fromFlags(null,
                "{\"wave\": [\"Server RPS\", \"Tokens per second\"]}", "{\"other_run\": {\"legend\": \"x\"}}", null));

        assertThat(files.warnings()).hasSize(2).allSatisfy(w -> assertThat(w).matches(ONE_SENTENCE));
    }

    @Test
    void aDirectoryThatIsNotARunStopsTheReportBeforeAnythingIsWritten() throws IOException {
        List<Path> runs = new ArrayList<>(RunFixtures.copy(temp, RunFixtures.G5_XLARGE, RunFixtures.G5_2XLARGE));
        Path notARun = Files.createDirectories(temp.resolve("notes"));
        runs.add(notARun);

        assertThatThrownBy(() -> ComparisonReport.build(runs, ReportOptions.defaults()))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith(notARun + " is not a run directory: it has no summary.json")
                .message().matches(ONE_SENTENCE);
        assertThat(filesIn(runs.get(0))).containsExactly("summary.json");
    }

    @Test
    void aCorruptOrFutureSummaryStopsTheReport() throws IOException {
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.G5_XLARGE, RunFixtures.FUTURE_SCHEMA);
        assertThatThrownBy(() -> ComparisonReport.build(runs, ReportOptions.defaults()))
                .isInstanceOf(ReportInputException.class)
                .hasMessageContaining("has schema_version 9")
                .message().matches(ONE_SENTENCE);

        Files.writeString(runs.get(0).resolve("summary.json"), "{\"schema_version\": 1, \"fired\": ");
        assertThatThrownBy(() -> ComparisonReport.build(runs.subList(0, 1), ReportOptions.defaults()))
                .isInstanceOf(ReportInputException.class)
                .hasMessageContaining("summary.json is not valid JSON")
                .message().matches(ONE_SENTENCE);
        assertThat(filesIn(runs.get(0))).containsExactly("summary.json");
    }

    @Test
    void anOutputDirectoryThatIsAFileIsNamed() throws IOException {
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.G5_XLARGE);
        Path file = Files.writeString(temp.resolve("report.html"), "an earlier report");

        assertThatThrownBy(() -> ComparisonReport.build(runs, ReportOptions.fromFlags(file.toString(), null, null, null)))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("Cannot write the report to " + file + ": it is a file, not a directory; "
                        + "pass --plot-output-dir with a directory.");
    }

    @Test
    void anOutputDirectoryThatCannotBeCreatedIsNamed() throws IOException {
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.G5_XLARGE);
        Path file = Files.writeString(temp.resolve("plain-file"), "x");
        Path below = file.resolve("reports");

        assertThatThrownBy(() -> ComparisonReport.build(runs, ReportOptions.fromFlags(below.toString(), null, null, null)))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith("Cannot create the report directory " + below + " (")
                .hasMessageEndingWith("): pass --plot-output-dir with a directory you can write.")
                .message().matches(ONE_SENTENCE);
    }
}
