package io.inferencebench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class BarChartTest {
    private static final Pattern AREA = Pattern.compile("<area shape=\"rect\" coords=\"(\\d+),(\\d+),(\\d+),(\\d+)\" title=\"([^\"]*)\"");

    @TempDir
    Path temp;

    private Comparison comparison() {
        List<RunSummary> runs = RunFixtures.copy(temp, RunFixtures.THREE_RUNS).stream().map(RunSummary::read).toList();
        return Comparison.of(runs, PlotFields.all(), PlotMetadata.parse(RunFixtures.metadataFile(temp).toString()));
    }

    private static Comparison.Panel panel(Comparison comparison, String id) {
        return comparison.panels().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    private record Bar(int x1, int y1, int x2, int y2, String title) {
    }

    private static List<Bar> bars(String imageMap) {
        List<Bar> bars = new ArrayList<>();
        Matcher area = AREA.matcher(imageMap);
        while (area.find()) {
            bars.add(new Bar(Integer.parseInt(area.group(1)), Integer.parseInt(area.group(2)),
                    Integer.parseInt(area.group(3)), Integer.parseInt(area.group(4)), area.group(5)));
        }
        bars.sort((a, b) -> Integer.compare(a.x1, b.x1));
        return bars;
    }

    private static BufferedImage image(BarChart.Drawn drawn) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(drawn.png()));
    }

    @Test
    void drawsOneBarPerRunInTheRunsColourLeftToRight() throws IOException {
        Comparison comparison = comparison();
        Comparison.Panel latency = panel(comparison, "latency");

        BarChart.Drawn drawn = BarChart.draw(latency, latency.defaultVariant(), comparison.runs(), Theme.LIGHT, "m1");

        BufferedImage image = image(drawn);
        assertThat(image.getWidth()).isEqualTo(BarChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(BarChart.HEIGHT);
        List<Bar> bars = bars(drawn.imageMap());
        assertThat(bars).hasSize(3);
        for (int run = 0; run < 3; run++) {
            Bar bar = bars.get(run);
            Color centre = new Color(image.getRGB((bar.x1 + bar.x2) / 2, (bar.y1 + bar.y2) / 2));
            assertThat(centre).as("bar of run %d", run).isEqualTo(comparison.runs().get(run).colour());
        }
        // taller bar, larger value: 1842.6 > 1207.9 > 981.4 (image y grows downwards)
        assertThat(bars.get(0).y1).isLessThan(bars.get(2).y1);
        assertThat(bars.get(2).y1).isLessThan(bars.get(1).y1);
    }

    @Test
    void eachBarHoversItsLegendValueUnitAndMetadataEscaped() {
        Comparison comparison = comparison();
        Comparison.Panel latency = panel(comparison, "latency");

        List<Bar> bars = bars(BarChart.draw(latency, latency.variants().get(3), comparison.runs(), Theme.LIGHT, "m1").imageMap());

        assertThat(bars.get(0).title).isEqualTo("g5.xlarge&#10;Latency · p99: 3,408.9 ms&#10;instance: ml.g5.xlarge"
                + "&#10;batch size: 4&#10;model: Qwen2.5-7B-Instruct");
        assertThat(bars.get(2).title).endsWith("&#10;note: driver 550 &lt;beta&gt; &amp; &quot;tuned&quot;");
    }

    @Test
    void aRunWithoutTheMetricKeepsItsSlotButHasNoBar() throws IOException {
        Comparison comparison = comparison();
        Comparison.Panel ttft = panel(comparison, "measurement:ttft_ms");

        BarChart.Drawn drawn = BarChart.draw(ttft, ttft.defaultVariant(), comparison.runs(), Theme.DARK, "m2");

        List<Bar> bars = bars(drawn.imageMap());
        assertThat(bars).extracting(bar -> bar.title.substring(0, bar.title.indexOf('&')))
                .containsExactly("g5.xlarge", "g5.2xlarge");
        assertThat(new Color(image(drawn).getRGB(2, BarChart.HEIGHT / 2))).isEqualTo(Theme.DARK.panel);
        assertThat(BarChart.notMeasuredIn(ttft.defaultVariant(), comparison.runs())).containsExactly("g6.xlarge");
    }

    @Test
    void aPercentageReadsAsPercentInLabelsAndHover() {
        Comparison comparison = comparison();
        Comparison.Panel success = panel(comparison, "success_rate");

        List<Bar> bars = bars(BarChart.draw(success, success.defaultVariant(), comparison.runs(), Theme.LIGHT, "m3").imageMap());

        assertThat(bars.get(0).title).startsWith("g5.xlarge&#10;Success rate: 98.7%&#10;");
        assertThat(bars.get(2).title).startsWith("g6.xlarge&#10;Success rate: 100.0%&#10;");
    }

    @Test
    void titlesNameTheStatisticAndWhereLatencyIsMeasuredFrom() {
        Comparison comparison = comparison();
        Comparison.Panel latency = panel(comparison, "latency");

        assertThat(BarChart.title(latency, latency.variants().get(0))).isEqualTo("Latency · mean");
        assertThat(BarChart.title(latency, latency.variants().get(8))).isEqualTo("Latency from intended start · p99");
        assertThat(BarChart.title(panel(comparison, "server_rps"), panel(comparison, "server_rps").defaultVariant()))
                .isEqualTo("Server RPS");
    }
}
