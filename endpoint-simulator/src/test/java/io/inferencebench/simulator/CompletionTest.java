package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompletionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Completion chat(String body) throws Exception {
        return Completion.parse(body.getBytes(StandardCharsets.UTF_8), true, 16);
    }

    private static JsonNode event(byte[] sse) throws Exception {
        String text = new String(sse, StandardCharsets.UTF_8);
        assertThat(text).startsWith("data: ").endsWith("\n\n");
        return JSON.readTree(text.substring(6));
    }

    @Test
    void readsWhatTheRequestAsksFor() throws Exception {
        Completion c = chat("{\"model\": \"m\", \"max_tokens\": 5, \"stream\": true, \"stream_options\": {\"include_usage\": true},"
                + " \"messages\": [{\"role\": \"system\", \"content\": \"be brief\"},"
                + " {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"what is  this\"}, {\"type\": \"image_url\"}]}]}");
        assertThat(c.tokens()).isEqualTo(5);
        assertThat(c.stream()).isTrue();
        assertThat(c.includeUsage()).isTrue();
        assertThat(c.promptTokens()).isEqualTo(5);
    }

    @Test
    void maxCompletionTokensWinsAndDefaultsApplyWhenNothingIsSet() throws Exception {
        assertThat(chat("{\"max_completion_tokens\": 9, \"max_tokens\": 3}").tokens()).isEqualTo(9);
        Completion plain = chat("{}");
        assertThat(plain.tokens()).isEqualTo(16);
        assertThat(plain.stream()).isFalse();
        assertThat(plain.includeUsage()).isFalse();
        assertThat(JSON.readTree(plain.json()).get("model").asText()).isEqualTo("simulator");
    }

    @Test
    void countsLegacyPromptsGivenAsTextOrLists() throws Exception {
        assertThat(Completion.parse("{\"prompt\": \"a b c\"}".getBytes(StandardCharsets.UTF_8), false, 1).promptTokens())
                .isEqualTo(3);
        assertThat(Completion.parse("{\"prompt\": [\"a b\", \"c\"]}".getBytes(StandardCharsets.UTF_8), false, 1).promptTokens())
                .isEqualTo(3);
        assertThat(Completion.parse("{\"prompt\": [[1, 2, 3, 4]]}".getBytes(StandardCharsets.UTF_8), false, 1).promptTokens())
                .isEqualTo(4);
    }

    @Test
    void eachEventIsTheWireTextOfTheOpenAiStreamsThatClientsParse() throws Exception {
        Completion c = Completion.parse("{\"model\": \"m\", \"max_tokens\": 5}".getBytes(StandardCharsets.UTF_8), true, 1);
        String head = "data: {\"id\":\"" + JSON.readTree(c.json()).get("id").asText() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                + JSON.readTree(c.json()).get("created").asLong() + ",\"model\":\"m\",\"choices\":[";
        assertThat(new String(c.chunk(0, 2), StandardCharsets.UTF_8)).isEqualTo(head
                + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\" the of\"},\"finish_reason\":null}]}\n\n");
        assertThat(new String(c.chunk(2, 1), StandardCharsets.UTF_8)).isEqualTo(head
                + "{\"index\":0,\"delta\":{\"content\":\" and\"},\"finish_reason\":null}]}\n\n");
        assertThat(new String(c.chunk(3, 2), StandardCharsets.UTF_8)).isEqualTo(head
                + "{\"index\":0,\"delta\":{\"content\":\" to in\"},\"finish_reason\":\"length\"}]}\n\n");
        Completion text = Completion.parse("{\"model\": \"m\", \"prompt\": \"a\"}".getBytes(StandardCharsets.UTF_8), false, 17);
        assertThat(new String(text.chunk(16, 1), StandardCharsets.UTF_8)).endsWith(
                "\"choices\":[{\"index\":0,\"text\":\" the\",\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");
    }

    @Test
    void escapesTheModelNameSoTheAnswerStaysValidJson() throws Exception {
        Completion c = chat("{\"model\": \"a \\\"quoted\\\" \\\\ model\", \"max_tokens\": 2}");
        assertThat(JSON.readTree(c.json()).get("model").asText()).isEqualTo("a \"quoted\" \\ model");
        assertThat(event(c.chunk(0)).get("model").asText()).isEqualTo("a \"quoted\" \\ model");
    }

    @Test
    void chunksCarryOneTokenEachAndTheLastTheFinishReason() throws Exception {
        Completion c = chat("{\"max_tokens\": 3}");
        JsonNode first = event(c.chunk(0)).get("choices").get(0);
        assertThat(first.get("delta").get("role").asText()).isEqualTo("assistant");
        assertThat(first.get("finish_reason").isNull()).isTrue();
        JsonNode second = event(c.chunk(1)).get("choices").get(0);
        assertThat(second.get("delta").has("role")).isFalse();
        assertThat(event(c.chunk(2)).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        String joined = "";
        for (int k = 0; k < 3; k++) {
            joined += event(c.chunk(k)).get("choices").get(0).get("delta").get("content").asText();
        }
        assertThat(joined).isEqualTo(JSON.readTree(c.json()).get("choices").get(0).get("message").get("content").asText());
    }

    @Test
    void theStreamEndsWithUsageOnlyWhenAskedThenDone() throws Exception {
        String withUsage = new String(chat("{\"max_tokens\": 2, \"stream\": true, \"stream_options\": {\"include_usage\": true}}")
                .end(), StandardCharsets.UTF_8);
        assertThat(withUsage).endsWith("data: [DONE]\n\n");
        JsonNode usage = JSON.readTree(withUsage.substring(6, withUsage.indexOf("\n\n")));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(2);

        assertThat(new String(chat("{\"stream\": true}").end(), StandardCharsets.UTF_8)).isEqualTo("data: [DONE]\n\n");
    }

    @Test
    void legacyChunksUseText() throws Exception {
        Completion c = Completion.parse("{\"max_tokens\": 1, \"stream\": true}".getBytes(StandardCharsets.UTF_8), false, 4);
        JsonNode chunk = event(c.chunk(0));
        assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
        assertThat(chunk.get("choices").get(0).get("text").asText()).isNotBlank();
    }

    @Test
    void refusesBodiesItCannotAnswer() {
        assertThatThrownBy(() -> chat("[1, 2]")).isInstanceOf(Completion.BadRequest.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> chat("{")).isInstanceOf(Completion.BadRequest.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> chat("")).isInstanceOf(Completion.BadRequest.class);
        for (String max : new String[] {"0", "-3", "1.5", "\"ten\""}) {
            assertThatThrownBy(() -> chat("{\"max_tokens\": " + max + "}")).as(max)
                    .isInstanceOf(Completion.BadRequest.class).hasMessageContaining("max_tokens");
        }
    }
}
