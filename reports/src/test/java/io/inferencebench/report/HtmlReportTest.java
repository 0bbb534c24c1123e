package io.inferencebench.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {
    private static final Instant GENERATED = Instant.parse("2026-11-29T11:00:00Z");

    @TempDir
    static Path temp;
    private static List<RunSummary> runs;
    private static PlotMetadata metadata;
    /** The three-run comparison with metadata, light theme: drawn once, read by most tests. */
    private static Comparison threeRuns;
    private static String threeRunsHtml;

    @BeforeAll
    static void threeRuns() {
        runs = RunFixtures.copy(temp, RunFixtures.THREE_RUNS).stream().map(RunSummary::read).toList();
        metadata = PlotMetadata.parse(RunFixtures.metadataFile(temp).toString());
        threeRuns = Comparison.of(runs, PlotFields.all(), metadata);
        threeRunsHtml = render(threeRuns, Theme.LIGHT);
    }

    /** The page with its inline images shortened, so a failing assertion prints readable HTML. */
    private static String render(Comparison comparison, Theme theme) {
        String html = HtmlReport.render(comparison, theme,
                (panel, variant, map) -> BarChart.draw(panel, variant, comparison.runs(), theme, map),
                ComparisonReport.WORKBOOK_NAME, GENERATED);
        assertThat(html).containsPattern("<img src=\"data:image/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]{400,}\"");
        return html.replaceAll("base64,[A-Za-z0-9+/=]+", "base64,PNG");
    }

    private static List<String> all(Pattern pattern, String html) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(html);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    @Test
    void needsNothingFromTheNetwork() {
        String html = threeRunsHtml;

        assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//").doesNotContain("<link", "@import", "<script src");
        assertThat(all(Pattern.compile("<img src=\"([^\"]*)\""), html)).isNotEmpty()
                .allSatisfy(src -> assertThat(src).isEqualTo("data:image/png;base64,PNG"));
    }

    @Test
    void hasASectionPerSourceInOrderWithOnePanelPerMetric() {
        Comparison comparison = threeRuns;
        String html = threeRunsHtml;

        assertThat(all(Pattern.compile("<section id=\"([a-z]+)\">"), html))
                .containsExactly("wave", "aiperf", "server", "runs", "notes");
        assertThat(all(Pattern.compile("<figure class=\"panel[^\"]*\" data-panel=\"([^\"]+)\""), html))
                .containsExactlyElementsOf(comparison.panels().stream().map(Comparison.Panel::id).toList());
        assertThat(html).contains("<h2>Server metrics</h2>");
    }

    @Test
    void showsEachPanelsMeanFirstAndOffersTheStatisticSelector() {
        Comparison comparison = threeRuns;
        String html = threeRunsHtml;

        assertThat(all(Pattern.compile("<option value=\"([a-z0-9]+)\">"), html)).containsExactly("mean", "p50", "p90", "p99", "max");
        assertThat(html).contains("<input type=\"checkbox\" id=\"intended\">");
        List<String> shown = all(Pattern.compile("<div class=\"variant\" data-stat=\"([a-z0-9]*)\" data-intended=\"0\">"), html);
        assertThat(shown).hasSize(comparison.panels().size()).allSatisfy(stat -> assertThat(stat).isIn("mean", ""));
        assertThat(html).contains("<div class=\"variant\" data-stat=\"p99\" data-intended=\"1\" hidden>");
    }

    @Test
    void everyImageHasItsOwnImageMap() {
        String html = threeRunsHtml;

        List<String> used = all(Pattern.compile("usemap=\"#(m\\d+)\""), html);
        assertThat(used).doesNotHaveDuplicates();
        assertThat(all(Pattern.compile("<map id=\"(m\\d+)\""), html)).containsExactlyElementsOf(used);
    }

    @Test
    void theSharedLegendListsRunsInTheirColoursWithMetadataEscaped() {
        Comparison comparison = Comparison.of(runs, PlotFields.all(), metadata);
        String html = render(comparison, Theme.DARK);

        assertThat(all(Pattern.compile("<li title=\"[^\"]*\"><span class=\"swatch\" style=\"background:(#[0-9a-f]{6})\"></span>"), html))
                .containsExactly("#4e79a7", "#f28e2b", "#59a14f");
        assertThat(html).contains("<span class=\"swatch\" style=\"background:#59a14f\"></span>g6.xlarge</li>")
                .contains("note: driver 550 &lt;beta&gt; &amp; &quot;tuned&quot;")
                .doesNotContain("<beta>")
                .contains("--page:#0d1117");
    }

    @Test
    void theRunsTableHasAColumnPerMetadataKey() {
        String html = threeRunsHtml;

        assertThat(html).contains("<th>Run</th><th>Directory</th><th>instance</th><th>batch size</th><th>model</th>"
                        + "<th>note</th><th>Target</th><th>Wave start</th>")
                .contains("<td>" + RunFixtures.G5_2XLARGE + "</td><td>ml.g5.2xlarge</td><td>8</td>")
                .contains("<td>2026-11-29 10:15:00 UTC</td>")
                .contains("<li>prometheus metrics failed for " + RunFixtures.G5_XLARGE);
    }

    @Test
    void aRunWithoutIntendedStartLatencyOffersNoSwitchForIt() {
        Comparison comparison = Comparison.of(List.of(runs.get(2)), PlotFields.all(), PlotMetadata.none());

        String html = render(comparison, Theme.LIGHT);

        assertThat(html).contains("<select id=\"stat\">").doesNotContain("id=\"intended\"")
                .contains("<title>Benchmark comparison: 1 run</title>");
    }

    @Test
    void panelsWithASingleValueOnlyNeedNoSelector() {
        Comparison comparison = Comparison.of(runs, PlotFields.parse("{\"wave\": [\"Server RPS\"], \"aiperf\": [], \"server\": []}"),
                PlotMetadata.none());

        String html = render(comparison, Theme.LIGHT);

        assertThat(html).doesNotContain("<select").contains("data-panel=\"server_rps\"");
        assertThat(all(Pattern.compile("<figure class=\"panel[^\"]*\" data-panel=\"([^\"]+)\""), html)).containsExactly("server_rps");
    }
}
