package io.inferencebench.report;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportOptionsTest {
    @Test
    void absentFlagsMeanEveryMetricNoMetadataLightThemeFirstRunDirectory() {
        ReportOptions options = ReportOptions.fromFlags(null, null, null, null);

        assertThat(options.outputDirectory()).isNull();
        assertThat(options.fields().restricts(Source.WAVE)).isFalse();
        assertThat(options.metadata().legend("any")).isEmpty();
        assertThat(options.theme()).isEqualTo(Theme.LIGHT);
        assertThat(ReportOptions.defaults().theme()).isEqualTo(Theme.LIGHT);
        assertThat(ReportOptions.defaults().outputDirectory()).isNull();
    }

    @Test
    void flagsAreParsedAsGiven() {
        ReportOptions options = ReportOptions.fromFlags(" out/plots ", "{\"wave\": [\"Server RPS\"]}",
                "{\"run\": {\"legend\": \"g5\"}}", "DARK");

        assertThat(options.outputDirectory()).isEqualTo(Path.of("out/plots"));
        assertThat(options.fields().restricts(Source.WAVE)).isTrue();
        assertThat(options.metadata().legend("run")).contains("g5");
        assertThat(options.theme()).isEqualTo(Theme.DARK);
    }

    @Test
    void anUnknownThemeIsNamed() {
        assertThatThrownBy(() -> ReportOptions.fromFlags(null, null, null, "solarized"))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("--theme must be light or dark, not \"solarized\".");
    }

    @Test
    void theFirstBadFlagIsReported() {
        assertThatThrownBy(() -> ReportOptions.fromFlags(null, "{\"wave\": ", "{}", "light"))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith("--plot-fields is not valid JSON");
        assertThatThrownBy(() -> ReportOptions.fromFlags(null, null, "{\"a\": 1}", "light"))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith("--plot-metadata: the entry for \"a\" must be an object");
    }
}
