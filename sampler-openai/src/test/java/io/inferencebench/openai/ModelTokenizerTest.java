package io.inferencebench.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's tokenizer read from a real Hugging Face tokenizer.json: a small byte-level BPE made by
 * the Python tokenizers package (src/test/resources/.../make-tokenizer.py, which prints the counts
 * asserted here, so both implementations agree).
 */
class ModelTokenizerTest {

    static Path tokenizerJson() throws Exception {
        return Path.of(ModelTokenizerTest.class.getResource("tokenizer.json").toURI());
    }

    @Test
    void countsAsTheModelsTokenizerDoes() throws Exception {
        try (ModelTokenizer tokenizer = ModelTokenizer.read(tokenizerJson(), "--tokenizer")) {
            assertThat(tokenizer.count(" the of and")).isEqualTo(3);
            assertThat(tokenizer.count("unbelievable tokenization")).isEqualTo(17);
            assertThat(tokenizer.count(" the".repeat(64))).isEqualTo(64);
            assertThat(tokenizer.count("h\u00e9llo w\u00f6rld \ud83d\ude42")).isEqualTo(17);
            assertThat(tokenizer.count("")).isZero();
        }
    }

    @Test
    void aMissingFileIsOneSentence() {
        assertThatThrownBy(() -> ModelTokenizer.read(Path.of("/nowhere/tokenizer.json"), "--tokenizer"))
                .isInstanceOf(OpenAiSettingsException.class)
                .hasMessage("--tokenizer /nowhere/tokenizer.json does not exist or is not a file;"
                        + " give the model's tokenizer.json (from its Hugging Face repository).");
    }

    @Test
    void aFileThatIsNoTokenizerIsOneSentence(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": 42}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelTokenizer.read(bad, "--tokenizer"))
                .isInstanceOf(OpenAiSettingsException.class)
                .hasMessageStartingWith("--tokenizer " + bad + " is not a Hugging Face tokenizer.json (")
                .hasMessageEndingWith("); give the model's tokenizer.json.")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
