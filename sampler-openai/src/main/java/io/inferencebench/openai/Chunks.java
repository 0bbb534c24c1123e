package io.inferencebench.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one streamed chunk's JSON says. Most chunks carry a few characters of content, and a 64-token
 * stream has 64 of them, so whether a chunk has content, and the usage of the last one, are read by a
 * scan of its bytes where they lie; only the rare error chunks are parsed as JSON.
 */
final class Chunks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Chunks() {
    }


    /*
     * A chunk is scanned in place, in the bytes it arrived in: no copy and no String per chunk (64 per
     * answer; a Latin-1 String of each was 14 KB of garbage per answer, 30% of the client's, and every young
     * collection pauses the streams' reads). A key is found with its quotes, so "reasoning_content" is not
     * "content", and it cannot match inside a JSON string, where every quote is escaped. JSON's structure
     * is ASCII, so bytes of multi-byte UTF-8 characters (all >= 0x80) never match it.
     */
    private static final byte[] CONTENT_KEY = ascii("\"content\"");
    private static final byte[] TEXT_KEY = ascii("\"text\"");
    private static final byte[] USAGE_KEY = ascii("\"usage\"");
    private static final byte[] COMPLETION_TOKENS = ascii("\"completion_tokens\"");
    private static final byte[] PROMPT_TOKENS = ascii("\"prompt_tokens\"");
    private static final byte[] ERROR_KEY = ascii("\"error\"");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@link #scan} found a non-empty {@code "content"} (chat) or {@code "text"} (completions) string. */
    static final int CONTENT = 1;
    /** {@link #scan} found a {@code "usage"} key: {@link #usage} reads it. */
    static final int USAGE = 2;
    /** {@link #scan} found an {@code "error"} key: the chunk may report a failure, and only then is it parsed. */
    static final int ERROR = 4;

    /**
     * What a chunk ({@code b[from, to)}) holds, in one pass over its bytes: {@link #CONTENT}, {@link #USAGE},
     * {@link #ERROR}, or'ed. Only a quote can start a key, so each byte costs one comparison, and the
     * few quotes a look at the byte after them. Generated text is a non-empty content string: role-only,
     * usage-only and empty chunks have none (aiperf ignores them too).
     */
    static int scan(byte[] b, int from, int to) {
        int found = 0;
        for (int i = from, last = to - 1; i < last; i++) {
            if (b[i] != '"') {
                continue;
            }
            switch (b[i + 1]) {
                case 'c' -> found |= (found & CONTENT) == 0 && nonEmptyValue(b, i, to, CONTENT_KEY) ? CONTENT : 0;
                case 't' -> found |= (found & CONTENT) == 0 && nonEmptyValue(b, i, to, TEXT_KEY) ? CONTENT : 0;
                case 'u' -> found |= at(b, i, to, USAGE_KEY) ? USAGE : 0;
                case 'e' -> found |= at(b, i, to, ERROR_KEY) ? ERROR : 0;
                default -> { }
            }
        }
        return found;
    }

    /** Whether {@code key} lies at {@code i}, whose byte is already known to be the key's opening quote. */
    private static boolean at(byte[] b, int i, int to, byte[] key) {
        if (to - i < key.length) {
            return false;
        }
        for (int k = 1; k < key.length; k++) { // keys are short: a loop beats a call to Arrays.equals
            if (b[i + k] != key[k]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code key} lies at {@code i} with a non-empty string as its value. */
    private static boolean nonEmptyValue(byte[] b, int i, int to, byte[] key) {
        return at(b, i, to, key) && nonEmptyString(b, i + key.length, to) >= 0;
    }

    /** Where {@code key} first occurs in {@code b[from, to)}, or -1. */
    private static int indexOf(byte[] b, int from, int to, byte[] key) {
        for (int i = from, last = to - key.length; i <= last; i++) {
            if (b[i] == key[0] && at(b, i, to, key)) {
                return i;
            }
        }
        return -1;
    }

    /** Where the first non-empty string value of {@code key} in {@code b[from, to)} starts (after its quote), or -1. */
    private static int stringValue(byte[] b, int from, int to, byte[] key) {
        for (int at = indexOf(b, from, to, key); at >= 0; at = indexOf(b, at + key.length, to, key)) {
            int start = nonEmptyString(b, at + key.length, to);
            if (start >= 0) {
                return start;
            }
        }
        return -1;
    }

    /** After a key that ends at {@code keyEnd}: where its value starts (after its quote) if that is a non-empty string, else -1. */
    private static int nonEmptyString(byte[] b, int keyEnd, int to) {
        int i = skipSpaces(b, keyEnd, to);
        if (i < to && b[i] == ':') {
            i = skipSpaces(b, i + 1, to);
            if (i + 1 < to && b[i] == '"' && b[i + 1] != '"') {
                return i + 1;
            }
        }
        return -1;
    }

    private static int skipSpaces(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    /**
     * Appends the chunk's generated text (every {@code "content"} or {@code "text"} string, unescaped,
     * decoded from UTF-8) to {@code text}, for the model's tokenizer to count once the answer has ended.
     */
    static void appendContent(byte[] b, int from, int to, StringBuilder text) {
        appendStrings(b, from, to, CONTENT_KEY, text);
        appendStrings(b, from, to, TEXT_KEY, text);
    }

    private static void appendStrings(byte[] b, int from, int to, byte[] key, StringBuilder text) {
        int at = from;
        int start;
        while ((start = stringValue(b, at, to, key)) >= 0) {
            int end = start;
            while (end < to && b[end] != '"') {
                end += b[end] == '\\' ? 2 : 1;
            }
            end = Math.min(end, to);
            unescape(new String(b, start, end - start, StandardCharsets.UTF_8), text);
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
     * completion count). Read from the bytes, without a JSON tree.
     */
    static int[] usage(byte[] b, int from, int to) {
        int at = indexOf(b, from, to, USAGE_KEY);
        if (at < 0) {
            return null;
        }
        int i = skipSpaces(b, at + USAGE_KEY.length, to);
        if (i >= to || b[i] != ':') {
            return null;
        }
        i = skipSpaces(b, i + 1, to);
        if (i >= to || b[i] != '{') {
            return null;
        }
        int end = objectEnd(b, i, to);
        int completion = number(b, i, end, COMPLETION_TOKENS);
        return completion < 0 ? null : new int[] {number(b, i, end, PROMPT_TOKENS), completion};
    }

    /** The end of the object that opens at {@code open}: past its closing brace, strings skipped. */
    private static int objectEnd(byte[] b, int open, int to) {
        int depth = 0;
        for (int i = open; i < to; i++) {
            byte c = b[i];
            if (c == '"') {
                for (i++; i < to && b[i] != '"'; i++) {
                    if (b[i] == '\\') {
                        i++;
                    }
                }
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i + 1;
            }
        }
        return to;
    }

    /** The whole number that {@code key} has in {@code b[from, to)}, or -1. */
    private static int number(byte[] b, int from, int to, byte[] key) {
        int at = indexOf(b, from, to, key);
        if (at < 0) {
            return -1;
        }
        int i = skipSpaces(b, at + key.length, to);
        if (i >= to || b[i] != ':') {
            return -1;
        }
        i = skipSpaces(b, i + 1, to);
        long n = 0;
        int digits = 0;
        while (i < to && b[i] >= '0' && b[i] <= '9' && digits < 10) {
            n = n * 10 + (b[i++] - '0');
            digits++;
        }
        return digits == 0 || n > Integer.MAX_VALUE ? -1 : (int) n;
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
