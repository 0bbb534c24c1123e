package io.inferencebench.aiperf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When the server is back at its level before the wave (10% tolerance). */
class SettlingTest {

    private static Map<String, Double> levels(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!text.isBlank()) {
            Arrays.stream(text.split(" ")).map(kv -> kv.split("=")).forEach(kv -> m.put(kv[0], Double.valueOf(kv[1])));
        }
        return m;
    }

    @ParameterizedTest(name = "baseline {0}, now {1}")
    @CsvSource(delimiter = '|', textBlock = """
            gpu=40          | gpu=44           |
            gpu=40          | gpu=44.5         | gpu 44.5 (baseline 40)
            gpu=40          | gpu=5            |
            queue=0         | queue=0.1        |
            queue=0         | queue=3          | queue 3 (baseline 0)
            gpu=40 queue=0  | gpu=90 queue=0   | gpu 90 (baseline 40)
            gpu=40 queue=0  | queue=0          | gpu N/A (baseline 40)
            gpu=40          | gpu=40 other=99  |
            """)
    void backWhenEveryFigureIsAtMostTenPercentAbove(String baseline, String now, String away) {
        assertThat(new Settling(levels(baseline), 0.10).away(levels(now)))
                .isEqualTo(away == null ? List.of() : List.of(away));
    }
}
