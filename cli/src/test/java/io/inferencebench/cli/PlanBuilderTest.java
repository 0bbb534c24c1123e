package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link PlanBuilder#headerProblem} says of a {@code --header}, never echoing what may be a secret. */
class PlanBuilderTest {
    @ParameterizedTest
    @ValueSource(strings = {"X-Model: m1", "Authorization: Bearer abc123secret", "X-Empty:", "Accept:application/json"})
    void nameColonValueIsFine(String header) {
        assertThat(PlanBuilder.headerProblem(header)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Authorization Bearer abc123secret | A --header has no colon between name and value (its text is not shown, it may be a secret): give Name:Value, e.g. --header 'Authorization: Bearer <token>'.",
        ": abc123secret                     | A --header has no name before its colon (its value is not shown, it may be a secret): give Name:Value, e.g. --header 'X-Model: m1'.",
        "Bearer abc123secret: x             | A --header name is not an HTTP header name (it has spaces or separators; the header is not shown, it may be a secret): give Name:Value, e.g. --header 'Authorization: Bearer <token>'.",
        "'   '                              | --header is empty: give Name:Value, e.g. --header 'X-Model: m1'."})
    void aMalformedHeaderIsOneSentenceWithoutItsValue(String header, String sentence) {
        String problem = PlanBuilder.headerProblem(header);
        assertThat(problem).isEqualTo(sentence).doesNotContain("abc123secret").doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Api-Key: abc123secret\nInjected: 1", "X-Api-Key: abc123secret\r"})
    void aLineBreakIsRefusedWithoutTheValue(String header) {
        assertThat(PlanBuilder.headerProblem(header))
                .startsWith("--header X-Api-Key has a line break").doesNotContain("abc123secret");
    }
}
