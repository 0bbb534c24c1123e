package io.inferencebench.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one streamed chunk's JSON says. Most chunks carry a few characters of content, and a 64-token
 * stream has 64 of them, so whether a chunk has content, and the usage of the last one, are read by a
 * scan of its bytes; only the rare error chunks are parsed as JSON.
 */
final class Chunks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Chunks() {
    }


    /*
     * A chunk is scanned as a Latin-1 view of its bytes (one char per byte, so offsets are the bytes'
     * offsets; making it is a plain copy), where String.indexOf is the JDK's vectorised search: measured
     * faster than a byte loop in Java, and no JSON tree per chunk. A key is found with its quotes, so
     * "reasoning_content" is not "content", and it cannot match inside a JSON string, where every quote
     * is escaped.
     */

    /** The chunk's bytes as one char each, for {@link #hasContent(String)} and {@link #usage(String)}. */
    static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * A chunk with generated text: a non-empty {@code "content"} (chat) or {@code "text"} (completions)
     * string. Role-only, usage-only and empty chunks have none (aiperf ignores them too).
     */
    static boolean hasContent(String chunk) {
        return stringValue(chunk, 0, "\"content\"") >= 0 || stringValue(chunk, 0, "\"text\"") >= 0;
    }

    /** Where the first non-empty string value of {@code key} after {@code from} starts (after its quote), or -1. */
    private static int stringValue(String chunk, int from, String key) {
        for (int at = chunk.indexOf(key, from); at >= 0; at = chunk.indexOf(key, at + key.length())) {
            int i = skipSpaces(chunk, at + key.length());
            if (i < chunk.length() && chunk.charAt(i) == ':') {
                i = skipSpaces(chunk, i + 1);
                if (i + 1 < chunk.length() && chunk.charAt(i) == '"' && chunk.charAt(i + 1) != '"') {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
            i++;
        }
        return i;
    }

    /**
     * Appends the chunk's generated text (every {@code "content"} or {@code "text"} string, unescaped,
     * decoded from UTF-8) to {@code text}, for the model's tokenizer to count once the answer has ended.
     */
    static void appendContent(byte[] b, int from, int to, StringBuilder text) {
        String chunk = latin1(b, from, to);
        appendStrings(b, from, chunk, "\"content\"", text);
        appendStrings(b, from, chunk, "\"text\"", text);
    }

    private static void appendStrings(byte[] b, int offset, String chunk, String key, StringBuilder text) {
        int at = 0;
        int start;
        while ((start = stringValue(chunk, at, key)) >= 0) {
            int end = start;
            while (end < chunk.length() && chunk.charAt(end) != '"') {
                end += chunk.charAt(end) == '\\' ? 2 : 1;
            }
            end = Math.min(end, chunk.length());
            unescape(new String(b, offset + start, end - start, StandardCharsets.UTF_8), text);
            at = end;
        }
    }

    /** Appends the text of a JSON string's inside (without its quotes), unescaped. */
    private static void unescape(String s, StringBuilder to) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i++);
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
    }

    /**
     * {@code [prompt_tokens, completion_tokens]} of the chunk's {@code usage} object ({@code -1} for a
     * missing prompt count), or {@code null} when it has none (no usage, {@code "usage": null}, or no
     * completion count). Read from the text, without a JSON tree.
     */
    static int[] usage(String chunk) {
        int at = chunk.indexOf("\"usage\"");
        if (at < 0) {
            return null;
        }
        int i = skipSpaces(chunk, at + 7);
        if (i >= chunk.length() || chunk.charAt(i) != ':') {
            return null;
        }
        i = skipSpaces(chunk, i + 1);
        if (i >= chunk.length() || chunk.charAt(i) != '{') {
            return null;
        }
        String usage = chunk.substring(i, objectEnd(chunk, i));
        int completion = number(usage, "\"completion_tokens\"");
        return completion < 0 ? null : new int[] {number(usage, "\"prompt_tokens\""), completion};
    }

    /** The end of the object that opens at {@code open}: past its closing brace, strings skipped. */
    private static int objectEnd(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                for (i++; i < s.length() && s.charAt(i) != '"'; i++) {
                    if (s.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i + 1;
            }
        }
        return s.length();
    }

    /** The whole number that {@code key} has in {@code s}, or -1. */
    private static int number(String s, String key) {
        int at = s.indexOf(key);
        if (at < 0) {
            return -1;
        }
        int i = skipSpaces(s, at + key.length());
        if (i >= s.length() || s.charAt(i) != ':') {
            return -1;
        }
        i = skipSpaces(s, i + 1);
        long n = 0;
        int digits = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && digits < 10) {
            n = n * 10 + (s.charAt(i++) - '0');
            digits++;
        }
        return digits == 0 || n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    /** Whether the chunk may report a failure (its {@code "error"} key): only then is it parsed. */
    static boolean mayBeError(String chunk) {
        return chunk.contains("\"error\"");
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
