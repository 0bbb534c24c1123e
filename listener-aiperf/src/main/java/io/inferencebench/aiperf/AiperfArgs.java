package io.inferencebench.aiperf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The flags of an {@code aiperf profile} command line, in order, and the user's {@code --aiperf-args}
 * merged into them with the original tool's rules: a leading {@code --} is stripped from a key; a key
 * overrides the flag of that name (or one of its aiperf aliases) or is appended; a string or number
 * gives {@code --k v}; {@code true} or {@code ""} a bare {@code --k}; {@code false} (or {@code null})
 * leaves the flag out; a list repeats the flag once per item.
 */
public final class AiperfArgs {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** aiperf's aliases of the flags we set ourselves, so a user's alias overrides ours instead of doubling it. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("m", "model"), Map.entry("model-names", "model"), Map.entry("u", "url"),
            Map.entry("endpoint", "custom-endpoint"), Map.entry("artifact-dir", "output-artifact-dir"),
            Map.entry("num-requests", "request-count"), Map.entry("ui", "ui-type"),
            Map.entry("num-warmup-requests", "warmup-request-count"), Map.entry("H", "header"));

    /** Each flag's values; an empty list is a bare flag. */
    private final LinkedHashMap<String, List<String>> flags = new LinkedHashMap<>();

    /** Adds (or replaces) {@code --name value}. */
    public AiperfArgs set(String name, Object value) {
        flags.put(canonical(name), List.of(String.valueOf(value)));
        return this;
    }

    /** Adds (or replaces) a bare {@code --name}. */
    public AiperfArgs flag(String name) {
        flags.put(canonical(name), List.of());
        return this;
    }

    public AiperfArgs remove(String name) {
        flags.remove(canonical(name));
        return this;
    }

    public boolean has(String name) {
        return flags.containsKey(canonical(name));
    }

    /** The value of {@code --name}, or {@code null} when absent or bare. */
    public String value(String name) {
        List<String> values = flags.get(canonical(name));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The flags as a command line's arguments, in the order they were first set. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        flags.forEach((name, values) -> {
            if (values.isEmpty()) {
                args.add("--" + name);
            }
            for (String v : values) {
                args.add("--" + name);
                args.add(v);
            }
        });
        return Collections.unmodifiableList(args);
    }

    /**
     * Merges {@code --aiperf-args} into these flags.
     *
     * @throws AiperfInputException when the text is not a JSON object or a value has no flag form
     */
    public AiperfArgs merge(String json) {
        if (json == null || json.isBlank()) {
            return this;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AiperfInputException("--aiperf-args is not valid JSON (" + e.getOriginalMessage()
                    + "): give an object such as '{\"concurrency\": 8, \"streaming\": true}'.");
        }
        if (root == null || !root.isObject()) {
            throw new AiperfInputException("--aiperf-args must be a JSON object of aiperf flags, e.g. "
                    + "'{\"concurrency\": 8, \"streaming\": true}'.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().startsWith("--") ? e.getKey().substring(2) : e.getKey();
            if (name.isBlank()) {
                throw new AiperfInputException("--aiperf-args has an empty key: name each aiperf flag, e.g. \"concurrency\".");
            }
            JsonNode v = e.getValue();
            if (v.isNull() || v.isBoolean() && !v.booleanValue()) {
                remove(name);
            } else if (v.isBoolean() || v.isTextual() && v.textValue().isEmpty()) {
                flag(name);
            } else if (v.isArray()) {
                List<String> values = new ArrayList<>();
                v.forEach(item -> values.add(text(name, item)));
                if (values.isEmpty()) {
                    remove(name);
                } else {
                    flags.put(canonical(name), List.copyOf(values));
                }
            } else {
                flags.put(canonical(name), List.of(text(name, v)));
            }
        }
        return this;
    }

    private static String text(String name, JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber()) {
            return v.asText();
        }
        if (v.isObject()) {
            // aiperf reads --header and --extra-inputs as a JSON object too
            return v.toString();
        }
        throw new AiperfInputException("--aiperf-args \"" + name + "\": " + v + " has no flag form: give a string, "
                + "a number, true/false, or a list of those.");
    }

    private static String canonical(String name) {
        return ALIASES.getOrDefault(name, name);
    }
}
