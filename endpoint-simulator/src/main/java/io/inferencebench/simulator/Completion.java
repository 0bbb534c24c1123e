package io.inferencebench.simulator;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * One simulated OpenAI-compatible completion ({@code /v1/chat/completions} or
 * {@code /v1/completions}): what the request asked for and the JSON the answer is made of.
 * Tokens are common English words, one word per token, so client-side tokenizers count about
 * the same number as {@code usage} reports.
 */
final class Completion {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();
    private static final String[] WORDS = {"the", "of", "and", "to", "in", "is", "that", "it", "for", "on", "with",
        "as", "was", "at", "by", "be"};
    /** Each word as a token's text in an event, " word", in UTF-8 (all plain ASCII: nothing to escape). */
    private static final byte[][] WORD_BYTES = Arrays.stream(WORDS)
            .map(w -> (" " + w).getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    /** The request was not one this endpoint can answer (HTTP 400); the message says why. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private final boolean chat;
    private final String id;
    private final long created;
    private final String quotedModel;
    private final int tokens;
    private final boolean stoppedByLength;
    private final boolean stream;
    private final boolean includeUsage;
    private final int promptTokens;
    /** {@link #chunkParts()}, made at the first chunk (the timer thread that sends a stream's chunks in turn). */
    private byte[][] chunkParts;

    private Completion(boolean chat, String model, int tokens, boolean stoppedByLength, boolean stream,
            boolean includeUsage, int promptTokens) {
        this(chat, (chat ? "chatcmpl-sim-" : "cmpl-sim-") + IDS.incrementAndGet(), System.currentTimeMillis() / 1000,
                new String(JsonStringEncoder.getInstance().quoteAsString(model)), tokens, stoppedByLength, stream,
                includeUsage, promptTokens);
    }

    private Completion(boolean chat, String id, long created, String quotedModel, int tokens, boolean stoppedByLength,
            boolean stream, boolean includeUsage, int promptTokens) {
        this.chat = chat;
        this.id = id;
        this.created = created;
        this.quotedModel = quotedModel;
        this.tokens = tokens;
        this.stoppedByLength = stoppedByLength;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.promptTokens = promptTokens;
    }

    /**
     * @param chat true for {@code /v1/chat/completions}
     * @param defaultTokens tokens to generate when the request sets no {@code max_tokens}
     */
    static Completion parse(byte[] body, boolean chat, int defaultTokens) throws BadRequest {
        return parse(body, chat, OutputLength.fixed(defaultTokens), null);
    }

    /**
     * @param chat true for {@code /v1/chat/completions}
     * @param length tokens to generate, given the request's {@code max_tokens}
     * @param random this request's draws; may be null when {@code length} draws nothing
     */
    static Completion parse(byte[] body, boolean chat, OutputLength length, RandomGenerator random) throws BadRequest {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            throw new BadRequest("The request body is not valid JSON.");
        }
        if (request == null || !request.isObject()) {
            throw new BadRequest("The request body must be a JSON object.");
        }
        JsonNode max = request.has("max_completion_tokens") ? request.get("max_completion_tokens")
                : request.get("max_tokens");
        boolean maxGiven = max != null && !max.isNull();
        if (maxGiven && !(max.canConvertToInt() && max.isIntegralNumber() && max.intValue() >= 1)) {
            throw new BadRequest("max_tokens must be a positive integer.");
        }
        int tokens = length.tokens(maxGiven ? max.intValue() : null, random);
        boolean stream = request.path("stream").asBoolean(false);
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        String model = request.path("model").asText("simulator");
        int prompt = chat ? countChatWords(request.path("messages")) : countPromptWords(request.path("prompt"));
        // "length": stopped by max_tokens; "stop": the model ended on its own
        return new Completion(chat, model, tokens, maxGiven && tokens >= max.intValue(), stream, includeUsage, prompt);
    }

    /** Loads and exercises the parsing classes. */
    static void warmUp() {
        try {
            parse("{\"messages\":[{\"content\":\"hi\"}],\"max_tokens\":1}".getBytes(StandardCharsets.UTF_8), true, 1).json();
        } catch (BadRequest e) {
            throw new IllegalStateException(e);
        }
    }

    private static int countChatWords(JsonNode messages) {
        int n = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                n += countWords(content.asText());
            } else {
                for (JsonNode part : content) {
                    n += countWords(part.path("text").asText(""));
                }
            }
        }
        return n;
    }

    private static int countPromptWords(JsonNode prompt) {
        if (prompt.isTextual()) {
            return countWords(prompt.asText());
        }
        int n = 0;
        for (JsonNode item : prompt) {
            n += item.isTextual() ? countWords(item.asText()) : item.isNumber() ? 1 : item.size();
        }
        return n;
    }

    private static int countWords(String s) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            boolean space = Character.isWhitespace(s.charAt(i));
            if (!space && !inWord) {
                n++;
            }
            inWord = !space;
        }
        return n;
    }

    /** The same completion, streamed whatever the request said (SageMaker's response-stream path). */
    Completion streamed() {
        return stream ? this : new Completion(chat, id, created, quotedModel, tokens, stoppedByLength, true, includeUsage,
                promptTokens);
    }

    int tokens() {
        return tokens;
    }

    boolean stream() {
        return stream;
    }

    boolean includeUsage() {
        return includeUsage;
    }

    int promptTokens() {
        return promptTokens;
    }

    private static String token(int k) {
        return " " + WORDS[k % WORDS.length];
    }

    private String finishReason() {
        return stoppedByLength ? "length" : "stop";
    }

    private String usage() {
        return "{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + tokens + ",\"total_tokens\":"
                + (promptTokens + tokens) + "}";
    }

    private StringBuilder head(String object) {
        return new StringBuilder(256 + (stream ? 0 : tokens * 6)).append("{\"id\":\"").append(id)
                .append("\",\"object\":\"").append(object).append("\",\"created\":").append(created)
                .append(",\"model\":\"").append(quotedModel).append("\",\"choices\":[");
    }

    /** The whole answer of a non-streaming request. */
    byte[] json() {
        StringBuilder text = new StringBuilder(tokens * 6);
        for (int k = 0; k < tokens; k++) {
            text.append(token(k));
        }
        StringBuilder b = head(chat ? "chat.completion" : "text_completion");
        if (chat) {
            b.append("{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"").append(text)
                    .append("\"},\"finish_reason\":\"").append(finishReason()).append("\"}");
        } else {
            b.append("{\"index\":0,\"text\":\"").append(text).append("\",\"logprobs\":null,\"finish_reason\":\"")
                    .append(finishReason()).append("\"}");
        }
        return b.append("],\"usage\":").append(usage()).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Server-sent event carrying token {@code k}; the last one also carries the finish reason. */
    byte[] chunk(int k) {
        return chunk(k, 1);
    }

    /**
     * Server-sent event carrying tokens {@code k} to {@code k + count - 1}; the last one also carries the
     * finish reason. Built from this completion's event prefix and suffixes, made once, and the words'
     * bytes: one array per event, where building it as text cost five (at 500 streams a second of 64
     * tokens those were about half of the simulator's allocations).
     */
    byte[] chunk(int k, int count) {
        if (chunkParts == null) {
            chunkParts = chunkParts();
        }
        byte[] prefix = chunkParts[k == 0 ? 1 : 0];
        byte[] suffix = chunkParts[k + count >= tokens ? 3 : 2];
        int length = prefix.length + suffix.length;
        for (int i = k; i < k + count; i++) {
            length += WORD_BYTES[i % WORD_BYTES.length].length;
        }
        byte[] event = new byte[length];
        System.arraycopy(prefix, 0, event, 0, prefix.length);
        int at = prefix.length;
        for (int i = k; i < k + count; i++) {
            byte[] word = WORD_BYTES[i % WORD_BYTES.length];
            System.arraycopy(word, 0, event, at, word.length);
            at += word.length;
        }
        System.arraycopy(suffix, 0, event, at, suffix.length);
        return event;
    }

    /** A chunk's prefix (later chunks, the first chunk) and suffix (a middle chunk, the last chunk). */
    private byte[][] chunkParts() {
        String head = "data: " + head(chat ? "chat.completion.chunk" : "text_completion");
        String open = chat ? "{\"index\":0,\"delta\":{\"content\":\"" : "{\"index\":0,\"text\":\"";
        String firstOpen = chat ? "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"" : open;
        String close = chat ? "\"},\"finish_reason\":" : "\",\"logprobs\":null,\"finish_reason\":";
        return new byte[][] {
            (head + open).getBytes(StandardCharsets.UTF_8),
            (head + firstOpen).getBytes(StandardCharsets.UTF_8),
            (close + "null}]}\n\n").getBytes(StandardCharsets.UTF_8),
            (close + "\"" + finishReason() + "\"}]}\n\n").getBytes(StandardCharsets.UTF_8),
        };
    }

    /** The closing events: the usage chunk when the request asked for it, then {@code [DONE]}. */
    byte[] end() {
        StringBuilder b = new StringBuilder(300);
        if (includeUsage) {
            b.append("data: ").append(head(chat ? "chat.completion.chunk" : "text_completion"))
                    .append("],\"usage\":").append(usage()).append("}\n\n");
        }
        return b.append("data: [DONE]\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
