package io.inferencebench.report;

import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.ClientAnchor;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFClientAnchor;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The comparison as an Excel workbook ({@code benchmark_summary.xlsx}, Apache POI):
 * <ul>
 *   <li><b>Summary</b>: one row per run, one column per plotted metric and statistic (unit in the
 *       header), the metadata as columns; header row frozen, autofilter on;</li>
 *   <li>one sheet per source (<b>Wave</b>, <b>aiperf</b>, <b>Server metrics</b>): every statistic
 *       of every metric, one column per run;</li>
 *   <li><b>Charts</b>: the report's panels as pictures.</li>
 * </ul>
 */
final class ExcelSummary {
    static final String SUMMARY_SHEET = "Summary";
    static final String CHARTS_SHEET = "Charts";

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    private static final int MAX_COLUMN_CHARS = 60;
    /** Charts are laid two per row; this many columns and rows hold one at Excel's default sizes. */
    private static final int CHART_COLUMNS = 8;
    private static final int CHART_ROWS = 16;

    private final XSSFWorkbook workbook = new XSSFWorkbook();
    private final CellStyle header;
    private final Map<ValueStyle, CellStyle> numbers = new EnumMap<>(ValueStyle.class);

    private ExcelSummary() {
        Font bold = workbook.createFont();
        bold.setBold(true);
        header = workbook.createCellStyle();
        header.setFont(bold);
        header.setFillForegroundColor(IndexedColors.GREY_25_PERCENT.getIndex());
        header.setFillPattern(FillPatternType.SOLID_FOREGROUND);
        header.setBorderBottom(BorderStyle.THIN);
        for (ValueStyle style : ValueStyle.values()) {
            CellStyle cell = workbook.createCellStyle();
            cell.setDataFormat(workbook.createDataFormat().getFormat(style.excelFormat()));
            numbers.put(style, cell);
        }
    }

    /** The workbook's bytes; written to disk by the caller, so a failure leaves no half file. */
    /**
     * @param pictures the panels' charts as PNG, in panel order, for the Charts sheet
     */
    static byte[] write(Comparison comparison, List<byte[]> pictures) {
        ExcelSummary summary = new ExcelSummary();
        try (Workbook workbook = summary.workbook) {
            summary.summarySheet(comparison);
            for (Source source : Source.values()) {
                if (!comparison.rows(source).isEmpty()) {
                    summary.sourceSheet(source.title(), comparison.runs(), comparison.rows(source));
                }
            }
            summary.chartsSheet(pictures);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
            workbook.write(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
    }

    private void summarySheet(Comparison comparison) {
        XSSFSheet sheet = workbook.createSheet(SUMMARY_SHEET);
        List<String> headers = new ArrayList<>(List.of("Run", "Directory"));
        headers.addAll(comparison.metadataKeys());
        int firstMetric = headers.size();
        List<Comparison.Panel> panels = comparison.panels();
        List<ValueStyle> styles = new ArrayList<>();
        List<List<Double>> columns = new ArrayList<>();
        for (Comparison.Panel panel : panels) {
            for (Comparison.Variant variant : panel.variants()) {
                headers.add(panel.source() == Source.WAVE ? variant.label() : panel.source().title() + ": " + variant.label());
                styles.add(panel.style());
                columns.add(variant.values());
            }
        }
        int[] widths = headerRow(sheet, headers);
        for (Comparison.Run run : comparison.runs()) {
            Row row = sheet.createRow(run.index() + 1);
            widths[0] = Math.max(widths[0], text(row, 0, run.legend()));
            widths[1] = Math.max(widths[1], text(row, 1, run.directoryName()));
            for (int k = 0; k < comparison.metadataKeys().size(); k++) {
                String value = run.metadata().getOrDefault(comparison.metadataKeys().get(k), "");
                int column = 2 + k;
                if (NUMBER.matcher(value).matches()) {
                    Cell cell = row.createCell(column);
                    cell.setCellValue(Double.parseDouble(value));
                } else if (!value.isEmpty()) {
                    widths[column] = Math.max(widths[column], text(row, column, value));
                }
            }
            for (int c = 0; c < columns.size(); c++) {
                number(row, firstMetric + c, columns.get(c).get(run.index()), styles.get(c));
            }
        }
        finish(sheet, headers.size(), comparison.runs().size(), widths, 1);
    }

    private void sourceSheet(String name, List<Comparison.Run> runs, List<Comparison.Row> rows) {
        XSSFSheet sheet = workbook.createSheet(name);
        List<String> headers = new ArrayList<>(List.of("Metric", "Statistic", "Unit"));
        runs.forEach(run -> headers.add(run.legend()));
        int[] widths = headerRow(sheet, headers);
        for (int r = 0; r < rows.size(); r++) {
            Comparison.Row line = rows.get(r);
            Row row = sheet.createRow(r + 1);
            widths[0] = Math.max(widths[0], text(row, 0, line.metric()));
            widths[1] = Math.max(widths[1], text(row, 1, line.statistic()));
            widths[2] = Math.max(widths[2], text(row, 2, line.unit()));
            for (Comparison.Run run : runs) {
                number(row, 3 + run.index(), line.values().get(run.index()), line.style());
            }
        }
        finish(sheet, headers.size(), rows.size(), widths, 3);
    }

    private void chartsSheet(List<byte[]> pictures) {
        if (pictures.isEmpty()) {
            return;
        }
        XSSFSheet sheet = workbook.createSheet(CHARTS_SHEET);
        XSSFDrawing drawing = sheet.createDrawingPatriarch();
        for (int i = 0; i < pictures.size(); i++) {
            int column = (i % 2) * CHART_COLUMNS;
            int row = (i / 2) * CHART_ROWS;
            int index = workbook.addPicture(pictures.get(i), Workbook.PICTURE_TYPE_PNG);
            XSSFClientAnchor anchor = new XSSFClientAnchor(0, 0, 0, 0, column, row, column + CHART_COLUMNS - 1, row + CHART_ROWS - 1);
            anchor.setAnchorType(ClientAnchor.AnchorType.MOVE_DONT_RESIZE);
            drawing.createPicture(anchor, index).resize(1.0);
        }
    }

    private int[] headerRow(XSSFSheet sheet, List<String> headers) {
        Row row = sheet.createRow(0);
        int[] widths = new int[headers.size()];
        for (int c = 0; c < headers.size(); c++) {
            Cell cell = row.createCell(c);
            cell.setCellValue(headers.get(c));
            cell.setCellStyle(header);
            widths[c] = headers.get(c).length() + 3; // room for the autofilter button
        }
        return widths;
    }

    private static int text(Row row, int column, String value) {
        row.createCell(column).setCellValue(value);
        return value.length();
    }

    private void number(Row row, int column, Double value, ValueStyle style) {
        if (value == null) {
            return; // not measured: an empty cell, never a zero
        }
        Cell cell = row.createCell(column);
        if (style == ValueStyle.YES_NO) {
            cell.setCellValue(value != 0 ? "yes" : "no");
        } else {
            cell.setCellValue(value);
            cell.setCellStyle(numbers.get(style));
        }
    }

    private static void finish(XSSFSheet sheet, int columns, int rows, int[] widths, int frozenColumns) {
        for (int c = 0; c < columns; c++) {
            sheet.setColumnWidth(c, Math.min(Math.max(widths[c], 10), MAX_COLUMN_CHARS) * 256 + 512);
        }
        sheet.createFreezePane(frozenColumns, 1);
        sheet.setAutoFilter(new CellRangeAddress(0, Math.max(rows, 1), 0, columns - 1));
    }
}
