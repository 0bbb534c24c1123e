package io.inferencebench.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class PromptsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path folder;

    @Test
    void syntheticPromptsAreSeededFreshPerRequestAndOfTheAskedLength() throws Exception {
        Prompts a = Prompts.of(true, "m", 64, true, null, 100, 0, 0, 7);
        Prompts b = Prompts.of(true, "m", 64, true, null, 100, 0, 0, 7);
        assertThat(a.synthetic(3)).isEqualTo(b.synthetic(3));
        assertThat(a.synthetic(3).split(" ")).hasSize(100);
        assertThat(a.synthetic(3).split(" ")[0] + a.synthetic(3).split(" ")[1])
                .isNotEqualTo(a.synthetic(4).split(" ")[0] + a.synthetic(4).split(" ")[1]);
        assertThat(Prompts.of(true, "m", 64, true, null, 100, 0, 0, 8).synthetic(3)).isNotEqualTo(a.synthetic(3));
    }

    @Test
    void aSharedPrefixBeginsEveryPrompt() throws Exception {
        Prompts p = Prompts.of(true, "m", 64, true, null, 50, 0, 20, 1);
        String first = String.join(" ", java.util.Arrays.copyOf(p.synthetic(0).split(" "), 20));
        assertThat(p.synthetic(1)).startsWith(first);
        assertThat(p.synthetic(1)).isNotEqualTo(p.synthetic(0));
        assertThat(p.synthetic(1).split(" ")).hasSize(50);
    }

    @Test
    void lengthsVaryWithAStandardDeviation() throws Exception {
        Prompts p = Prompts.of(true, "m", 64, true, null, 100, 10, 0, 1);
        java.util.Set<Integer> lengths = new java.util.HashSet<>();
        for (int k = 0; k < 50; k++) {
            lengths.add(p.synthetic(k).split(" ").length);
        }
        assertThat(lengths.size()).isGreaterThan(5);
    }

    @Test
    void bodiesAskForAStreamWithUsage() throws Exception {
        JsonNode chat = JSON.readTree(Prompts.of(true, "llama", 64, true, null, 10, 0, 0, 1).body(0));
        assertThat(chat.path("model").asText()).isEqualTo("llama");
        assertThat(chat.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(chat.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(chat.path("stream").asBoolean()).isTrue();
        assertThat(chat.path("stream_options").path("include_usage").asBoolean()).isTrue();

        JsonNode completion = JSON.readTree(Prompts.of(false, "llama", 0, false, null, 10, 0, 0, 1).body(0));
        assertThat(completion.path("prompt").asText().split(" ")).hasSize(10);
        assertThat(completion.has("max_tokens")).isFalse();
        assertThat(completion.path("stream").asBoolean()).isFalse();
    }

    @Test
    void promptsFromAFileAreTakenInTurn() throws Exception {
        Path file = Files.writeString(folder.resolve("p.jsonl"), """
                {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]}

                {"prompt": "say \\"yes\\""}
                """);
        Prompts chat = Prompts.of(true, "m", 8, true, file, 1, 0, 0, 0);
        assertThat(chat.promptCount()).isEqualTo(2);
        assertThat(JSON.readTree(chat.body(0)).path("messages")).hasSize(2);
        assertThat(JSON.readTree(chat.body(1)).path("messages").get(0).path("content").asText()).isEqualTo("say \"yes\"");
        assertThat(chat.body(2)).isEqualTo(chat.body(0));
        Prompts text = Prompts.of(false, "m", 8, true, file, 1, 0, 0, 0);
        assertThat(JSON.readTree(text.body(0)).path("prompt").asText()).isEqualTo("be brief\nhi");
    }

    @Test
    void aBadPromptsFileIsOneSentenceNamingTheLine() throws Exception {
        Path file = Files.writeString(folder.resolve("bad.jsonl"), "{\"prompt\": \"ok\"}\n{\"text\": 1}\n");
        assertThatThrownBy(() -> Prompts.of(true, "m", 8, true, file, 1, 0, 0, 0))
                .isInstanceOf(OpenAiSettingsException.class)
                .hasMessage("Line 2 of the prompts file " + file + " is not {\"messages\": [...]} or {\"prompt\": \"...\"}; fix or remove it.");
        assertThatThrownBy(() -> Prompts.of(true, "m", 8, true, folder.resolve("none.jsonl"), 1, 0, 0, 0))
                .hasMessageContaining("does not exist");
    }
}
