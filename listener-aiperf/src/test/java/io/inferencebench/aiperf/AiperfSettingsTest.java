package io.inferencebench.aiperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The aiperf command line a wave gives: the original's flags, the wave's rate/count/duration, the user's last. */
class AiperfSettingsTest {
    private static final String KEY = "sk-never-shown-123";
    private static final Path DIR = Path.of("/run/aiperf");

    private static AiperfSettings settings(String url, Double rps, Long count, Double seconds, String userArgs) {
        return new AiperfSettings(URI.create(url), null, "m", true, KEY, rps, count, seconds, userArgs);
    }

    private static String line(AiperfSettings s, Path input) {
        List<String> argv = new ArrayList<>(List.of("aiperf", "profile"));
        argv.addAll(s.args(DIR, input).toArgs());
        return s.redacted(argv);
    }

    @Test
    void theOriginalsCommandWithTheKeyRedacted() {
        assertThat(line(settings("http://127.0.0.1:8080", 10.0, 600L, null, null), Path.of("/run/aiperf/payloads.jsonl")))
                .isEqualTo("aiperf profile --model m --url http://127.0.0.1:8080 --endpoint-type chat --streaming"
                        + " --api-key *** --input-file /run/aiperf/payloads.jsonl --custom-dataset-type single_turn"
                        + " --request-rate 10 --request-rate-mode constant --request-count 600"
                        + " --output-artifact-dir /run/aiperf --ui-type none");
        assertThat(settings("http://h", 1.0, 1L, null, null).args(DIR, null).toArgs()).contains(KEY);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://h:1/v1/chat/completions | --url http://h:1 --endpoint-type chat
            https://h/base/v1/completions  | --url https://h/base --endpoint-type completions
            http://h:1/                    | --url http://h:1 --endpoint-type chat
            http://h:1/invocations         | --url http://h:1 --endpoint-type chat --custom-endpoint /invocations
            """)
    void theUrlsPathTellsTheEndpoint(String url, String flags) {
        assertThat(line(settings(url, 2.0, 4L, null, null), null)).contains(flags);
    }

    @ParameterizedTest(name = "rps {0}, count {1}, obs {2}, args {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            10 | 600 |     |                                  | --request-rate 10 --request-rate-mode constant --request-count 600 | 600
            10 |     | 60  |                                  | --request-rate 10 --request-rate-mode constant --benchmark-duration 60 | 600
            10 | 900 | 60  |                                  | --request-rate 10 --request-rate-mode constant --request-count 600 | 600
            10 | 50  | 60  |                                  | --request-rate 10 --request-rate-mode constant --request-count 50 | 50
               | 50  |     |                                  | --request-count 50 | 50
            10 | 600 |     | {"benchmark-duration": 30}       | --request-rate 10 --request-rate-mode constant --output-artifact-dir /run/aiperf --ui-type none --benchmark-duration 30 | 300
            10 |     | 60  | {"request-count": 7}             | --request-rate 10 --request-rate-mode constant --output-artifact-dir /run/aiperf --ui-type none --request-count 7 | 7
            10 | 600 |     | {"concurrency": 4}               | --request-count 600 --output-artifact-dir /run/aiperf --ui-type none --concurrency 4 | 600
            10 | 600 |     | {"ui-type": "simple"}            | --ui-type simple | 600
            """)
    void rateCountAndDurationFollowTheWaveUnlessOverridden(Double rps, Long count, Double seconds, String userArgs,
                                                           String flags, long calls) {
        AiperfSettings s = settings("http://h", rps, count, seconds, userArgs);
        assertThat(line(s, null)).contains(flags);
        assertThat(s.calls()).isEqualTo(calls);
    }

    @Test
    void anInputFileOfTheUsersSkipsOurs() {
        AiperfSettings s = settings("http://h", 1.0, 2L, null,
                "{\"input-file\": \"/data/mine.jsonl\", \"custom-dataset-type\": \"mooncake_trace\"}");
        assertThat(s.userInput()).isTrue();
        assertThat(line(s, null)).contains("--input-file /data/mine.jsonl --custom-dataset-type mooncake_trace")
                .doesNotContain("single_turn");
    }

    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                                 | k | m |                  | --aiperf needs --url: the endpoint aiperf sends its requests to.
            http://h             |   | m |                  | --aiperf needs --api-key: the key aiperf sends as Authorization: Bearer.
            http://h             | k |   |                  | --aiperf needs --model NAME (the model aiperf asks the endpoint for), or "model" in --aiperf-args.
            http://h             | k | m | {"a":           | --aiperf-args is not valid JSON (Unexpected end-of-input
            """)
    void whatAiperfNeedsIsCheckedBeforeTheWave(String url, String key, String model, String args, String sentence) {
        assertThatThrownBy(() -> new AiperfSettings(url == null ? null : URI.create(url), null, model, true, key, 1.0, 1L,
                null, args)).isInstanceOf(AiperfInputException.class).hasMessageStartingWith(sentence.substring(0, 30));
    }

    @Test
    void theModelMayComeFromTheArgsAndTheKeyNeverFromToString() {
        AiperfSettings s = new AiperfSettings(URI.create("http://h"), "completions", null, false, KEY, null, 3L, null,
                "{\"model\": \"from-args\"}");
        assertThat(line(s, null)).contains("--endpoint-type completions").contains("--model from-args")
                .doesNotContain("--streaming").doesNotContain(KEY);
        assertThat(s.toString()).doesNotContain(KEY);
        assertThat(s.redacted(List.of("say", "it's " + KEY))).isEqualTo("say 'it'\\''s ***'");
    }
}
