package io.inferencebench.openai;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one streamed chunk's JSON says. Most chunks carry a few characters of content, and a 64-token
 * stream has 64 of them, so whether a chunk has content is read by a scan of its text; only the rare
 * usage and error chunks are parsed as JSON.
 */
final class Chunks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Chunks() {
    }

    /**
     * A chunk with generated text: a non-empty {@code "content"} (chat) or {@code "text"} (completions)
     * string. Role-only, usage-only and empty chunks have none (aiperf ignores them too).
     */
    static boolean hasContent(String chunk) {
        return hasNonEmptyString(chunk, "\"content\"") || hasNonEmptyString(chunk, "\"text\"");
    }

    private static boolean hasNonEmptyString(String chunk, String key) {
        int at = chunk.indexOf(key);
        while (at >= 0) {
            int i = skipSpaces(chunk, at + key.length());
            if (i < chunk.length() && chunk.charAt(i) == ':') {
                i = skipSpaces(chunk, i + 1);
                if (i + 1 < chunk.length() && chunk.charAt(i) == '"' && chunk.charAt(i + 1) != '"') {
                    return true;
                }
            }
            at = chunk.indexOf(key, at + key.length());
        }
        return false;
    }

    /**
     * Appends the chunk's generated text (every {@code "content"} or {@code "text"} string, unescaped)
     * to {@code to}, for the model's tokenizer to count once the answer has ended.
     */
    static void appendContent(String chunk, StringBuilder to) {
        appendStrings(chunk, "\"content\"", to);
        appendStrings(chunk, "\"text\"", to);
    }

    private static void appendStrings(String chunk, String key, StringBuilder to) {
        int at = chunk.indexOf(key);
        while (at >= 0) {
            int i = skipSpaces(chunk, at + key.length());
            if (i < chunk.length() && chunk.charAt(i) == ':') {
                i = skipSpaces(chunk, i + 1);
                if (i < chunk.length() && chunk.charAt(i) == '"') {
                    i = appendString(chunk, i + 1, to);
                }
            }
            at = chunk.indexOf(key, Math.max(i, at + key.length()));
        }
    }

    /** Unescapes the JSON string that starts at {@code from} (after its quote) onto {@code to}; returns its end. */
    private static int appendString(String s, int from, StringBuilder to) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return i;
            }
            if (c != '\\' || i >= s.length()) {
                to.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> to.append('\n');
                case 't' -> to.append('\t');
                case 'r' -> to.append('\r');
                case 'b' -> to.append('\b');
                case 'f' -> to.append('\f');
                case 'u' -> {
                    if (i + 4 <= s.length()) {
                        try {
                            to.append((char) Integer.parseInt(s, i, i + 4, 16));
                        } catch (NumberFormatException bad) {
                            to.append('\ufffd');
                        }
                        i += 4;
                    }
                }
                default -> to.append(e); // \" \\ \/
            }
        }
        return i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean mayHaveUsage(String chunk) {
        return chunk.contains("\"usage\"");
    }

    /** {@code [prompt_tokens, completion_tokens]} of the chunk's {@code usage}, or {@code null}. */
    static int[] usage(String chunk) {
        JsonNode usage = parse(chunk).path("usage");
        JsonNode completion = usage.path("completion_tokens");
        if (!completion.isIntegralNumber()) {
            return null;
        }
        JsonNode prompt = usage.path("prompt_tokens");
        return new int[] {prompt.isIntegralNumber() ? prompt.intValue() : -1, completion.intValue()};
    }

    /** A chunk that reports a failure: OpenAI's {@code {"error": {...}}} or vLLM's {@code {"object": "error"}}. */
    static boolean isError(String chunk) {
        if (!chunk.contains("\"error\"")) {
            return false;
        }
        JsonNode node = parse(chunk);
        JsonNode error = node.path("error");
        return (!error.isMissingNode() && !error.isNull()) || "error".equals(node.path("object").asText());
    }

    /** The message of an error chunk (or the chunk itself when it has none), for the failed sample. */
    static String errorMessage(String chunk) {
        JsonNode node = parse(chunk);
        JsonNode error = node.path("error");
        String message = error.isTextual() ? error.asText() : error.path("message").asText(node.path("message").asText(""));
        return "the stream sent an error: " + (message.isEmpty() ? abbreviate(chunk) : message);
    }

    /** An error answer's status and the message its JSON body gives (OpenAI, vLLM and TGI shapes). */
    static String statusMessage(int status, String body) {
        JsonNode node = parse(body);
        JsonNode error = node.path("error");
        String message = error.isTextual() ? error.asText()
                : error.path("message").asText(node.path("message").asText(node.path("detail").asText("")));
        return "HTTP " + status + ": " + (message.isEmpty() ? abbreviate(body) : message);
    }

    static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    private static JsonNode parse(String chunk) {
        try {
            JsonNode node = JSON.readTree(chunk);
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
