package io.inferencebench.aiperf;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One wave payload as a line of aiperf's {@code single_turn} custom dataset ({@code {"text": ...}}):
 * aiperf 0.1.x builds each request body itself from the text, so the prompt is what carries over. The
 * prompt is found where the common request bodies put it; a payload of another shape goes as its JSON
 * text, so aiperf sends a prompt of the same size.
 */
public final class DatasetLine {
    /** The custom dataset type the lines are, passed as {@code --custom-dataset-type}. */
    public static final String TYPE = "single_turn";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetLine() {
    }

    public static String of(JsonNode payload) {
        ObjectNode line = JSON.createObjectNode();
        line.put("text", prompt(payload));
        return line.toString();
    }

    /** The prompt of an OpenAI chat or completions body, a TGI/SageMaker {@code inputs}, or the payload itself. */
    static String prompt(JsonNode p) {
        if (p.isTextual()) {
            return p.textValue();
        }
        if (p.path("messages").isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode m : p.path("messages")) {
                JsonNode content = m.path("content");
                if (content.isTextual()) {
                    parts.add(content.textValue());
                } else if (content.isArray()) {
                    // multimodal content: its text parts
                    content.forEach(c -> {
                        if (c.path("text").isTextual()) {
                            parts.add(c.path("text").textValue());
                        }
                    });
                }
            }
            return String.join("\n", parts);
        }
        for (String field : new String[] {"prompt", "inputs", "text_input", "text", "input"}) {
            if (p.path(field).isTextual()) {
                return p.path(field).textValue();
            }
        }
        return p.toString();
    }
}
