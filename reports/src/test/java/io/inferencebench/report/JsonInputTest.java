package io.inferencebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JsonInputTest {
    @Test
    void aProblemIsTheLineColumnAndJacksonsReasonWithoutItsSourceExcerpt() {
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class,
                () -> JsonInput.parse("{\n  \"wave\": [\"Latency\""));

        assertThat(JsonInput.problem(e)).isEqualTo("line 2, column 21: Unexpected end-of-input: expected close marker for Array");
    }

    @Test
    void textAfterTheValueIsAnError() {
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class,
                () -> JsonInput.parse("{\"wave\": []} {\"aiperf\": []}"));

        assertThat(JsonInput.problem(e)).startsWith("line 1, column 14: ");
    }
}
