package io.inferencebench.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlotFieldsTest {
    private static final List<String> SERVER_RPS = List.of("Server RPS (req/s)", "Server RPS", "server_rps");
    private static final List<String> LATENCY = List.of("Latency (ms)", "Latency", "latency_ms");

    @Test
    void namesMatchWhateverTheirCaseSpacingOrUnit() {
        PlotFields fields = PlotFields.parse("{\"wave\": [\"server rps\", \"LATENCY [ms]\"]}");

        assertThat(fields.keeps(Source.WAVE, SERVER_RPS)).isTrue();
        assertThat(fields.keeps(Source.WAVE, LATENCY)).isTrue();
        assertThat(fields.keeps(Source.WAVE, List.of("Duration (s)", "Duration", "duration_s"))).isFalse();
        assertThat(PlotFields.matches("Total-Requests  Fired", List.of("Total requests fired"))).isTrue();
        assertThat(PlotFields.matches("Latency (ms)", List.of("Latency from intended start (ms)"))).isFalse();
    }

    @Test
    void theOriginalToolsSectionNamesAreAccepted() {
        PlotFields fields = PlotFields.parse("{\"locust\": [\"Latency (ms)\"], \"cloudwatch\": [\"CPUUtilization\"]}");

        assertThat(fields.restricts(Source.WAVE)).isTrue();
        assertThat(fields.restricts(Source.SERVER)).isTrue();
        assertThat(PlotFields.parse("{\"server_metrics\": []}").restricts(Source.SERVER)).isTrue();
    }

    @Test
    void aSourceNotNamedKeepsEverythingAndAnEmptyListHidesIt() {
        PlotFields fields = PlotFields.parse("{\"wave\": [], \"aiperf\": \"TTFT\"}");

        assertThat(fields.keeps(Source.SERVER, List.of("CPUUtilization · Average (%)"))).isTrue();
        assertThat(fields.keeps(Source.WAVE, SERVER_RPS)).isFalse();
        assertThat(fields.keeps(Source.AIPERF, List.of("Time to First Token (ms)", "TTFT"))).isTrue();
        assertThat(PlotFields.all().keeps(Source.WAVE, SERVER_RPS)).isTrue();
        assertThat(PlotFields.parse(null).restricts(Source.WAVE)).isFalse();
    }

    @Test
    void namesThatMatchNothingAreReportedWithWhatIsAvailable() {
        PlotFields fields = PlotFields.parse("{\"wave\": [\"Server RPS\", \"P99 latency\"], \"aiperf\": [\"TTFT\"]}");

        List<String> warnings = fields.unmatched(Map.of(Source.WAVE, List.of(SERVER_RPS, LATENCY)));

        assertThat(warnings).containsExactly(
                "--plot-fields wave: \"P99 latency\" matches no metric of these runs; they have: Server RPS (req/s), Latency (ms).",
                "--plot-fields aiperf: \"TTFT\" matches no metric of these runs (they have no aiperf metrics).");
    }

    @Test
    void anUnknownSourceIsRejectedWithTheKnownOnes() {
        assertThatThrownBy(() -> PlotFields.parse("{\"gpu\": [\"util\"]}"))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("--plot-fields names an unknown source \"gpu\": use wave (or locust), aiperf, server "
                        + "(or server_metrics, cloudwatch).");
    }

    @Test
    void badJsonOrShapeIsRejectedWithAnExample() {
        assertThatThrownBy(() -> PlotFields.parse("{wave: [Latency]}"))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith("--plot-fields is not valid JSON (")
                .hasMessageEndingWith("): pass an object such as '{\"wave\": [\"Latency (ms)\", \"Server RPS\"]}'.");
        assertThatThrownBy(() -> PlotFields.parse("[\"Latency\"]"))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("--plot-fields must be a JSON object of metric-name lists per source, "
                        + "such as '{\"wave\": [\"Latency (ms)\", \"Server RPS\"]}'.");
        assertThatThrownBy(() -> PlotFields.parse("{\"wave\": [1, 2]}"))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("--plot-fields \"wave\" must be a list of metric names, such as [\"Latency (ms)\", \"Server RPS\"].");
    }
}
