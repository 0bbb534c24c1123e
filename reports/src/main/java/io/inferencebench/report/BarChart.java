package io.inferencebench.report;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.entity.StandardEntityCollection;
import org.jfree.chart.imagemap.ImageMapUtils;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Draws one panel of a comparison as a PNG bar chart (JFreeChart): one bar per run, in the run's
 * colour, with its value on top and the unit on the value axis; and the HTML image map that gives
 * every bar its hover text.
 */
final class BarChart {
    static final int WIDTH = 440;
    static final int HEIGHT = 290;

    private static final String FONT = Font.SANS_SERIF;

    /**
     * A drawn chart.
     *
     * @param png      the image
     * @param imageMap a {@code <map>} element named as asked, one {@code <area>} per bar
     */
    record Drawn(byte[] png, String imageMap) {
    }

    private BarChart() {
    }

    static {
        // Charts are drawn off screen; without this, a JVM with no display cannot start AWT.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static Drawn draw(Comparison.Panel panel, Comparison.Variant variant, List<Comparison.Run> runs, Theme theme,
                      String mapName) {
        JFreeChart chart = chart(panel, variant, runs, theme);
        ChartRenderingInfo info = new ChartRenderingInfo(new StandardEntityCollection());
        // Opaque RGB: the panel has its own background, and PNGs without alpha are smaller and faster.
        BufferedImage image = chart.createBufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB, info);
        byte[] png;
        try {
            png = ChartUtils.encodeAsPNG(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory encoding does not fail
        }
        String map = ImageMapUtils.getImageMap(mapName, info, BarChart::hoverAttributes, null);
        return new Drawn(png, map);
    }

    /** The panel's title for one variant: {@code Latency · p99}, {@code Latency from intended start · p99}. */
    static String title(Comparison.Panel panel, Comparison.Variant variant) {
        String name = variant.fromIntendedStart() ? "Latency from intended start" : panel.title();
        return variant.statistic() == null ? name : name + " · " + variant.statistic();
    }

    /** Hover lines of one bar: the run's legend, the value with its unit, every metadata line. */
    static String hoverText(Comparison.Panel panel, Comparison.Variant variant, Comparison.Run run, double value) {
        StringBuilder text = new StringBuilder(run.legend()).append('\n').append(title(panel, variant)).append(": ")
                .append(panel.style().format(value, ValueStyle.largest(variant.values())));
        if (panel.style() != ValueStyle.PERCENT && panel.unit() != null && !panel.unit().isEmpty()) {
            text.append(' ').append(panel.unit());
        }
        for (Map.Entry<String, String> line : run.metadata().entrySet()) {
            text.append('\n').append(line.getKey()).append(": ").append(line.getValue());
        }
        return text.toString();
    }

    private static String hoverAttributes(String text) {
        String attribute = HtmlReport.escape(text).replace("\n", "&#10;");
        String firstLine = text.lines().findFirst().orElse("");
        return " title=\"" + attribute + "\" alt=\"" + HtmlReport.escape(firstLine) + "\"";
    }

    private static JFreeChart chart(Comparison.Panel panel, Comparison.Variant variant, List<Comparison.Run> runs,
                                    Theme theme) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        List<Double> values = variant.values();
        double largest = ValueStyle.largest(values);
        for (Comparison.Run run : runs) {
            Double value = values.get(run.index());
            // A run without the metric keeps its (empty) slot, so bars sit in the same place in every panel.
            // keyed by position, not legend: series i is run i whatever the legends are
            dataset.addValue(value == null ? null : panel.style().chartValue(value), Integer.valueOf(run.index()), "");
        }

        CategoryAxis categories = new CategoryAxis();
        categories.setTickLabelsVisible(false);
        categories.setTickMarksVisible(false);
        categories.setAxisLineVisible(false);
        categories.setLowerMargin(0.04);
        categories.setUpperMargin(0.04);

        NumberAxis axis = new NumberAxis(panel.unit() == null ? "" : panel.unit());
        axis.setAutoRangeIncludesZero(true);
        axis.setUpperMargin(0.14); // room for the value labels above the tallest bar
        axis.setLabelFont(new Font(FONT, Font.PLAIN, 12));
        axis.setLabelPaint(theme.mutedText);
        axis.setTickLabelFont(new Font(FONT, Font.PLAIN, 11));
        axis.setTickLabelPaint(theme.mutedText);
        axis.setAxisLinePaint(theme.border);
        axis.setTickMarkPaint(theme.border);
        if (panel.style() == ValueStyle.COUNT) {
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        } else if (panel.style() == ValueStyle.PERCENT) {
            axis.setRange(0, 108); // a rate is at most 100 %; the rest is room for the labels
        }

        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.08);
        renderer.setMaximumBarWidth(0.22);
        for (Comparison.Run run : runs) {
            renderer.setSeriesPaint(run.index(), run.colour());
        }
        renderer.setDefaultItemLabelGenerator(new org.jfree.chart.labels.CategoryItemLabelGenerator() {
            @Override
            public String generateRowLabel(org.jfree.data.category.CategoryDataset data, int row) {
                return runs.get(row).legend();
            }

            @Override
            public String generateColumnLabel(org.jfree.data.category.CategoryDataset data, int column) {
                return "";
            }

            @Override
            public String generateLabel(org.jfree.data.category.CategoryDataset data, int row, int column) {
                Double value = values.get(row);
                return value == null ? null : panel.style().format(value, largest);
            }
        });
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(FONT, Font.BOLD, 11));
        renderer.setDefaultItemLabelPaint(theme.text);
        renderer.setDefaultPositiveItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        renderer.setDefaultToolTipGenerator((data, row, column) -> {
            Double value = values.get(row);
            return value == null ? null : hoverText(panel, variant, runs.get(row), value);
        });

        CategoryPlot plot = new CategoryPlot(dataset, categories, axis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(theme.panel);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinePaint(theme.grid);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setDomainGridlinesVisible(false);
        plot.setInsets(new RectangleInsets(4, 4, 4, 12));
        plot.setNoDataMessage("not measured in these runs");
        plot.setNoDataMessageFont(new Font(FONT, Font.ITALIC, 12));
        plot.setNoDataMessagePaint(theme.mutedText);

        JFreeChart chart = new JFreeChart(title(panel, variant), new Font(FONT, Font.BOLD, 14), plot, false);
        chart.getTitle().setPaint(theme.text);
        chart.getTitle().setPadding(new RectangleInsets(8, 8, 2, 8));
        if (panel.subtitle() != null) {
            TextTitle subtitle = new TextTitle(panel.subtitle(), new Font(FONT, Font.PLAIN, 11));
            subtitle.setPaint(theme.mutedText);
            chart.addSubtitle(subtitle);
        }
        chart.setBackgroundPaint(theme.panel);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        return chart;
    }

    /** Runs that have no value in a variant, for a "not measured in" line under the chart. */
    static List<String> notMeasuredIn(Comparison.Variant variant, List<Comparison.Run> runs) {
        List<String> missing = new ArrayList<>();
        for (Comparison.Run run : runs) {
            if (variant.values().get(run.index()) == null) {
                missing.add(run.legend());
            }
        }
        return missing;
    }
}
