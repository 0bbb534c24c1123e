package io.inferencebench.aiperf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A wave payload as one single_turn line of aiperf's input. */
class DatasetLineTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"}], "max_tokens": 64} | {"text":"Be brief.\\nHi?"}
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "Look"}, {"type": "image_url"}]}]}          | {"text":"Look"}
            {"prompt": "Once upon", "max_tokens": 8}                                                                       | {"text":"Once upon"}
            {"inputs": "What is AI?", "parameters": {"max_new_tokens": 32}}                                                | {"text":"What is AI?"}
            "a plain string"                                                                                               | {"text":"a plain string"}
            {"features": [1, 2, 3]}                                                                                        | {"text":"{\\"features\\":[1,2,3]}"}
            """)
    void carriesThePrompt(String payload, String line) throws Exception {
        assertThat(DatasetLine.of(new ObjectMapper().readTree(payload))).isEqualTo(line);
    }
}
