package io.inferencebench.cli.search;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code knee.png}: the client rate of each step against its latency percentiles from the intended start
 * (and TTFT p90 where measured), on a log scale so the knee shows however steep the queue grows, with the
 * success rate on a second axis and the found rate marked.
 */
final class KneeChart {
    static final String FILE_NAME = "knee.png";
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private KneeChart() {
    }

    static void write(Path png, CapacityReport report) throws IOException {
        List<CapacityReport.Step> steps = report.steps().stream()
                .sorted(Comparator.comparingDouble(CapacityReport.Step::targetRps)).toList();
        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(series("p50 from intended", steps, CapacityReport.Step::p50FromIntendedMs));
        latency.addSeries(series("p90 from intended", steps, CapacityReport.Step::p90FromIntendedMs));
        latency.addSeries(series("p99 from intended", steps, CapacityReport.Step::p99FromIntendedMs));
        if (steps.stream().anyMatch(s -> s.ttftP90Ms() != null)) {
            latency.addSeries(series("TTFT p90", steps, CapacityReport.Step::ttftP90Ms));
        }
        XYSeriesCollection success = new XYSeriesCollection();
        success.addSeries(series("success %", steps, s -> 100 * s.successRate()));

        NumberAxis rate = new NumberAxis("client rate (req/s)");
        LogAxis ms = new LogAxis("latency (ms, log scale)");
        ms.setSmallestValue(0.1);
        ms.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
        XYPlot plot = new XYPlot(latency, rate, ms, renderer(new Color[] {
                new Color(0x4C72B0), new Color(0xDD8452), new Color(0xC44E52), new Color(0x8172B3)}, false));
        NumberAxis pct = new NumberAxis("success (%)");
        pct.setRange(0, 105);
        plot.setRangeAxis(1, pct);
        plot.setDataset(1, success);
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setRenderer(1, renderer(new Color[] {new Color(0x55A868)}, true));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (report.maxSustainableRps() != null) {
            ValueMarker found = new ValueMarker(report.maxSustainableRps(), new Color(0x2CA02C), new BasicStroke(1.5f));
            found.setLabel("max sustainable " + CapacitySearch.rate(report.maxSustainableRps()) + " req/s");
            found.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            found.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
            found.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
            plot.addDomainMarker(found);
        }
        JFreeChart chart = new JFreeChart(null, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setTitle(new TextTitle("Capacity search: latency and success by client rate",
                new Font(Font.SANS_SERIF, Font.BOLD, 14)));
        if (report.bindingConstraint() != null) {
            chart.addSubtitle(new TextTitle(report.bindingConstraint(), new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        }
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    private static XYSeries series(String name, List<CapacityReport.Step> steps,
                                   java.util.function.Function<CapacityReport.Step, Double> value) {
        XYSeries s = new XYSeries(name, true, true);
        for (CapacityReport.Step step : steps) {
            Double v = value.apply(step);
            if (v != null && v > 0) {
                s.addOrUpdate(step.targetRps(), v.doubleValue());
            }
        }
        return s;
    }

    private static XYLineAndShapeRenderer renderer(Color[] colours, boolean dashed) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < colours.length; i++) {
            r.setSeriesPaint(i, colours[i]);
            r.setSeriesStroke(i, dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f) : new BasicStroke(2f));
        }
        return r;
    }
}
