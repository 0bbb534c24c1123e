package io.inferencebench.aiperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The original tool's rules for --aiperf-args, over the flags we set. */
class AiperfArgsTest {

    private static AiperfArgs ours() {
        return new AiperfArgs().set("model", "m").set("url", "http://h:1").flag("streaming").set("request-rate", "5")
                .set("output-artifact-dir", "/run/aiperf");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {}                                  | --model m --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf
            {"--concurrency": 8}                | --model m --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf --concurrency 8
            {"request-rate": 2.5}               | --model m --url http://h:1 --streaming --request-rate 2.5 --output-artifact-dir /run/aiperf
            {"--model": "other"}                | --model other --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf
            {"m": "alias"}                      | --model alias --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf
            {"artifact-dir": "/x"}              | --model m --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /x
            {"streaming": false}                | --model m --url http://h:1 --request-rate 5 --output-artifact-dir /run/aiperf
            {"verbose": true}                   | --model m --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf --verbose
            {"verbose": ""}                     | --model m --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf --verbose
            {"header": ["A:1", "B:2"]}          | --model m --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf --header A:1 --header B:2
            {"extra-inputs": {"max_tokens": 8}} | --model m --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf --extra-inputs {"max_tokens":8}
            {"goodput": null}                   | --model m --url http://h:1 --streaming --request-rate 5 --output-artifact-dir /run/aiperf
            """)
    void mergesAsTheOriginalDoes(String json, String expected) {
        assertThat(String.join(" ", ours().merge(json).toArgs())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [1, 2]               | --aiperf-args must be a JSON object of aiperf flags, e.g. '{"concurrency": 8, "streaming": true}'.
            {"a": [[1]]}         | --aiperf-args "a": [1] has no flag form: give a string, a number, true/false, or a list of those.
            {"--": 1}            | --aiperf-args has an empty key: name each aiperf flag, e.g. "concurrency".
            """)
    void badArgumentsAreOneSentence(String json, String sentence) {
        assertThatThrownBy(() -> new AiperfArgs().merge(json)).isInstanceOf(AiperfInputException.class).hasMessage(sentence);
    }

    @org.junit.jupiter.api.Test
    void notJsonNamesTheProblemAndAnExample() {
        assertThatThrownBy(() -> new AiperfArgs().merge("{concurrency: 8}")).isInstanceOf(AiperfInputException.class)
                .hasMessageStartingWith("--aiperf-args is not valid JSON (")
                .hasMessageEndingWith("): give an object such as '{\"concurrency\": 8, \"streaming\": true}'.");
        assertThat(new AiperfArgs().merge(null).toArgs()).isEqualTo(List.of());
    }
}
