package io.inferencebench.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The request bodies of a wave, request {@code k} by request {@code k}: from a JSONL file of chat
 * {@code messages} or {@code prompt}s (taken in turn), or synthetic. A synthetic prompt is a seeded
 * sequence of common words (about one token each), so a run can be repeated exactly; its first
 * {@code sharedPrefix} words are the same in every request and the rest is fresh per request, so a
 * server's prefix cache helps only as much as asked.
 *
 * <p>Everything that does not change per request (model, limits, stream options, the file's prompts
 * as JSON text) is rendered once; a request costs one string concatenation.
 */
final class Prompts {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("the of and to in is that it for on with as was at by be this from "
            + "or have an they which one you had not but what all were when we there can are your use each she "
            + "how their if will up other about out many then them these so some her would make like him into "
            + "time has look two more write go see number no way could people my than first water been call who "
            + "oil its now find long down day did get come made may part over new sound take only little work "
            + "know place year live me back give most very after thing our just name good sentence man think say "
            + "great where help through much before line right too mean old any same tell boy follow came want "
            + "show also around form three small set put end does another well large must big even such because "
            + "turn here why ask went men read need land different home us move try kind hand picture again "
            + "change off play spell air away animal house point page letter mother answer found study still learn "
            + "should world high every near add food between own below country plant last school father keep tree "
            + "never start city earth eye light thought head under story saw left few while along might close "
            + "something seem next hard open example begin life always those both paper together got group often "
            + "run important until children side feet car mile night walk white sea began grow took river four "
            + "carry state once book hear stop without second later miss idea enough eat face watch far really "
            + "almost let above girl sometimes mountain cut young talk soon list song being leave family").split(" ");

    private final boolean chat;
    private final String head;
    private final String tail;
    /** Bodies' variable parts from a file, as JSON text; {@code null} for synthetic prompts. */
    private final List<String> fromFile;
    private final int inputTokens;
    private final int inputStddev;
    private final String sharedPrefix;
    private final int sharedWords;
    private final long seed;

    private Prompts(boolean chat, String head, String tail, List<String> fromFile, int inputTokens, int inputStddev,
                    int sharedPrefix, long seed) {
        this.chat = chat;
        this.head = head;
        this.tail = tail;
        this.fromFile = fromFile;
        this.inputTokens = Math.max(1, inputTokens);
        this.inputStddev = Math.max(0, inputStddev);
        this.seed = seed;
        StringBuilder shared = new StringBuilder();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < sharedPrefix; i++) {
            shared.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        this.sharedPrefix = shared.toString();
        this.sharedWords = this.sharedPrefix.isEmpty() ? 0 : this.sharedPrefix.split(" ").length;
    }

    /**
     * @param chat         {@code /v1/chat/completions} bodies ({@code messages}), else {@code /v1/completions} ({@code prompt})
     * @param promptsFile  a JSONL file, or {@code null} for synthetic prompts
     * @param maxTokens    {@code max_tokens}, or 0 to leave it to the server
     * @param stream       ask for a stream, with usage in its last chunk
     */
    static Prompts of(boolean chat, String model, int maxTokens, boolean stream, Path promptsFile, int inputTokens,
                      int inputStddev, int sharedPrefix, long seed) throws OpenAiSettingsException {
        String head = "{\"model\":" + quoted(model) + (chat ? ",\"messages\":" : ",\"prompt\":");
        String tail = (maxTokens > 0 ? ",\"max_tokens\":" + maxTokens : "")
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : ",\"stream\":false}");
        List<String> lines = promptsFile == null ? null : read(promptsFile, chat);
        return new Prompts(chat, head, tail, lines, inputTokens, inputStddev, sharedPrefix, seed);
    }

    /** The body of request {@code k} (0 for the wave's first). */
    String body(long k) {
        if (fromFile != null) {
            return head + fromFile.get((int) (k % fromFile.size())) + tail;
        }
        // the words are plain ASCII letters: the text goes into the JSON string as it is, in one builder
        StringBuilder body = new StringBuilder(head.length() + tail.length() + 48 + inputTokens * 6).append(head)
                .append(chat ? "[{\"role\":\"user\",\"content\":\"" : "\"");
        appendSynthetic(k, body);
        return body.append(chat ? "\"}]" : "\"").append(tail).toString();
    }

    /** Synthetic prompt {@code k}: the shared prefix, then words drawn for this request alone. */
    String synthetic(long k) {
        StringBuilder text = new StringBuilder(inputTokens * 6);
        appendSynthetic(k, text);
        return text.toString();
    }

    private void appendSynthetic(long k, StringBuilder text) {
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (k + 1)));
        int length = inputStddev == 0 ? inputTokens
                : (int) Math.max(1, Math.round(inputTokens + inputStddev * gaussian(random)));
        text.append(sharedPrefix);
        for (int i = sharedWords; i < length; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    int promptCount() {
        return fromFile == null ? 0 : fromFile.size();
    }

    private static List<String> read(Path file, boolean chat) throws OpenAiSettingsException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new OpenAiSettingsException("The prompts file " + file + " does not exist; give a JSONL file with one {\"messages\": [...]} or {\"prompt\": \"...\"} a line.");
        } catch (IOException e) {
            throw new OpenAiSettingsException("The prompts file " + file + " cannot be read (" + e.getMessage() + "); check its permissions.");
        }
        List<String> parts = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                node = null;
            }
            JsonNode messages = node == null ? null : node.get("messages");
            JsonNode prompt = node == null ? null : node.get("prompt");
            if (messages != null && messages.isArray() && !messages.isEmpty()) {
                parts.add(chat ? messages.toString() : quoted(joined(messages)));
            } else if (prompt != null && prompt.isTextual()) {
                parts.add(chat ? "[{\"role\":\"user\",\"content\":" + quoted(prompt.asText()) + "}]" : quoted(prompt.asText()));
            } else {
                throw new OpenAiSettingsException("Line " + (n + 1) + " of the prompts file " + file
                        + " is not {\"messages\": [...]} or {\"prompt\": \"...\"}; fix or remove it.");
            }
        }
        if (parts.isEmpty()) {
            throw new OpenAiSettingsException("The prompts file " + file + " has no prompts; give one {\"messages\": [...]} or {\"prompt\": \"...\"} a line.");
        }
        return List.copyOf(parts);
    }

    /** Chat messages as one completions prompt: their text contents, a line each. */
    private static String joined(JsonNode messages) {
        StringBuilder text = new StringBuilder();
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            String part = content.isTextual() ? content.asText() : content.path(0).path("text").asText("");
            text.append(text.length() == 0 ? "" : "\n").append(part);
        }
        return text.toString();
    }

    static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
