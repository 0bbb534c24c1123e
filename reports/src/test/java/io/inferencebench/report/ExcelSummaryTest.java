package io.inferencebench.report;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.PaneInformation;
import org.apache.poi.xssf.usermodel.XSSFPicture;
import org.apache.poi.xssf.usermodel.XSSFShape;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExcelSummaryTest {
    @TempDir
    static Path temp;
    private static Comparison comparison;
    private static XSSFWorkbook workbook;

    @BeforeAll
    static void writeAndReadBack() throws IOException {
        List<RunSummary> runs = RunFixtures.copy(temp, RunFixtures.THREE_RUNS).stream().map(RunSummary::read).toList();
        comparison = Comparison.of(runs, PlotFields.parse("{\"aiperf\": [\"TTFT\", \"Request Throughput\"]}"),
                PlotMetadata.parse(RunFixtures.metadataFile(temp).toString()));
        List<byte[]> pictures = new ArrayList<>();
        for (Comparison.Panel panel : comparison.panels()) {
            pictures.add(BarChart.draw(panel, panel.defaultVariant(), comparison.runs(), Theme.LIGHT, "x").png());
        }
        workbook = new XSSFWorkbook(new ByteArrayInputStream(ExcelSummary.write(comparison, pictures)));
    }

    @AfterAll
    static void close() throws IOException {
        workbook.close();
    }

    private static List<String> row(Sheet sheet, int index) {
        List<String> cells = new ArrayList<>();
        Row row = sheet.getRow(index);
        for (int c = 0; c < row.getLastCellNum(); c++) {
            Cell cell = row.getCell(c);
            cells.add(cell == null ? "" : cell.getCellType() == CellType.NUMERIC
                    ? String.valueOf(cell.getNumericCellValue()) : cell.getStringCellValue());
        }
        return cells;
    }

    private static int column(Sheet sheet, String header) {
        List<String> headers = row(sheet, 0);
        assertThat(headers).contains(header);
        return headers.indexOf(header);
    }

    private static Cell cell(Sheet sheet, int row, String header) {
        return sheet.getRow(row).getCell(column(sheet, header));
    }

    @Test
    void hasASummarySheetASheetPerSourceAndTheCharts() {
        List<String> names = new ArrayList<>();
        workbook.forEach(sheet -> names.add(sheet.getSheetName()));

        assertThat(names).containsExactly("Summary", "Wave", "aiperf", "Server metrics", "Charts");
    }

    @Test
    void summaryHasOneRowPerRunWithMetadataAndUnitsInTheHeaders() {
        Sheet summary = workbook.getSheet("Summary");

        assertThat(row(summary, 0)).startsWith("Run", "Directory", "instance", "batch size", "model", "note",
                "Latency mean (ms)", "Latency p50 (ms)", "Latency p90 (ms)", "Latency p99 (ms)", "Latency max (ms)",
                "Latency from intended start mean (ms)");
        assertThat(row(summary, 0)).contains("Server RPS (req/s)", "Success rate (%)", "aiperf: Request Throughput (requests/sec)",
                "aiperf: Time to First Token p99 (ms)", "Server metrics: cloudwatch CPUUtilization Maximum (%)")
                .doesNotContain("aiperf: Inter Token Latency mean (ms)");
        assertThat(summary.getLastRowNum()).isEqualTo(3);
        assertThat(row(summary, 1)).startsWith("g5.xlarge", RunFixtures.G5_XLARGE, "ml.g5.xlarge", "4.0");
        assertThat(row(summary, 3).get(5)).isEqualTo("driver 550 <beta> & \"tuned\"");
    }

    @Test
    void valuesAreNumbersWithFormatsAndNotMeasuredIsEmpty() {
        Sheet summary = workbook.getSheet("Summary");

        assertThat(cell(summary, 1, "Latency p99 (ms)").getNumericCellValue()).isEqualTo(3408.9);
        assertThat(cell(summary, 1, "Latency p99 (ms)").getCellStyle().getDataFormatString()).isEqualTo("#,##0.00");
        assertThat(cell(summary, 2, "Success rate (%)").getNumericCellValue()).isEqualTo(0.99833);
        assertThat(cell(summary, 2, "Success rate (%)").getCellStyle().getDataFormatString()).isEqualTo("0.0%");
        assertThat(cell(summary, 3, "Total requests fired (requests)").getCellStyle().getDataFormatString()).isEqualTo("#,##0");
        assertThat(cell(summary, 3, "Latency from intended start p99 (ms)")).as("g6 did not measure it").isNull();
        assertThat(cell(summary, 2, "aiperf: Time to First Token mean (ms)")).as("g5.2xlarge ran no aiperf").isNull();
        assertThat(cell(summary, 3, "aiperf: Time to First Token mean (ms)").getNumericCellValue()).isEqualTo(139.92);
    }

    @Test
    void headerRowIsFrozenAndFiltered() {
        for (String name : List.of("Summary", "Wave", "aiperf", "Server metrics")) {
            XSSFSheet sheet = workbook.getSheet(name);
            PaneInformation pane = sheet.getPaneInformation();
            assertThat(pane.isFreezePane()).as(name).isTrue();
            assertThat(pane.getHorizontalSplitPosition()).as(name).isEqualTo((short) 1);
            assertThat(sheet.getCTWorksheet().isSetAutoFilter()).as(name).isTrue();
        }
        assertThat(workbook.getSheet("Summary").getCTWorksheet().getAutoFilter().getRef()).startsWith("A1:");
        assertThat(row(workbook.getSheet("Summary"), 0).get(0)).isEqualTo("Run");
        assertThat(workbook.getSheet("Summary").getRow(0).getCell(0).getCellStyle().getFont().getBold()).isTrue();
    }

    @Test
    void sourceSheetsListEveryStatisticOfEveryRun() {
        Sheet aiperf = workbook.getSheet("aiperf");
        assertThat(row(aiperf, 0)).containsExactly("Metric", "Statistic", "Unit", "g5.xlarge", "g5.2xlarge", "g6.xlarge");

        List<List<String>> rows = new ArrayList<>();
        for (int r = 1; r <= aiperf.getLastRowNum(); r++) {
            rows.add(row(aiperf, r));
        }
        assertThat(rows).as("kept on the sheet although --plot-fields dropped its panel")
                .contains(List.of("Inter Token Latency", "std", "ms", "3.9", "", "2.57"));
        assertThat(rows).contains(List.of("Request Count", "", "requests", "598.0", "", "598.0"));

        Sheet wave = workbook.getSheet("Wave");
        List<List<String>> waveRows = new ArrayList<>();
        for (int r = 1; r <= wave.getLastRowNum(); r++) {
            waveRows.add(row(wave, r));
        }
        assertThat(waveRows).contains(List.of("Passed", "", "", "yes", "yes", "yes"),
                List.of("Start lateness", "max", "ms", "212.0", "1.2", "1.2"),
                List.of("Latency from intended start", "p99", "ms", "3655.2", "1878.8"));
    }

    @Test
    void chartsSheetHoldsOnePicturePerPanel() {
        List<XSSFShape> shapes = workbook.getSheet("Charts").getDrawingPatriarch().getShapes();

        assertThat(shapes).hasSize(comparison.panels().size()).allSatisfy(shape -> {
            assertThat(shape).isInstanceOf(XSSFPicture.class);
            XSSFPicture picture = (XSSFPicture) shape;
            assertThat(picture.getPictureData().getMimeType()).isEqualTo("image/png");
            assertThat(picture.getImageDimension().width).isEqualTo(BarChart.WIDTH);
        });
        assertThat(((XSSFPicture) shapes.get(1)).getClientAnchor().getCol1()).isEqualTo((short) 8);
        assertThat(((XSSFPicture) shapes.get(2)).getClientAnchor().getRow1()).isEqualTo(16);
    }
}
