package io.inferencebench.cli;

import java.net.URI;
import java.nio.file.Path;

import io.inferencebench.openai.OpenAiStreamingSampler;
import picocli.CommandLine.Option;

/**
 * The flags of an LLM wave: each request is one streamed chat or text completion of an
 * OpenAI-compatible endpoint, timed token by token (the OpenAI Streaming Sampler).
 */
public class OpenAiOptions {
    @Option(names = "--openai", paramLabel = "chat|completions", description = "Each request is one OpenAI-compatible completion of --url (/v1/chat/completions or /v1/completions), streamed and timed per token: TTFT, ITL, tokens/s.")
    String api;

    @Option(names = "--model", paramLabel = "M", description = "Model name sent with --openai (the name the endpoint serves).")
    String model;

    @Option(names = "--max-tokens", paramLabel = "N", description = "max_tokens of every --openai request (default ${DEFAULT-VALUE}; 0 leaves it to the server).", defaultValue = "64")
    int maxTokens;

    @Option(names = "--prompts", paramLabel = "FILE.jsonl", description = "Prompts for --openai, taken in turn: one {\"messages\": [...]} or {\"prompt\": \"...\"} a line, sent as written.")
    Path prompts;

    @Option(names = "--synthetic-input-tokens", paramLabel = "N[,STDDEV]", description = "Synthetic --openai prompts of N words (about one token each), seeded by --seed (default ${DEFAULT-VALUE}).", defaultValue = "128")
    String syntheticInput;

    @Option(names = "--shared-prefix", paramLabel = "N", description = "Words every synthetic prompt begins with, to test a prefix cache on purpose (default ${DEFAULT-VALUE}: each prompt fresh from its first word).", defaultValue = "0")
    int sharedPrefix;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Sent as Authorization: Bearer with --openai; never written to plan.jmx, logs or summary.json.")
    String apiKey;

    @Option(names = "--slo", paramLabel = "LIMIT,...", description = "Per-request limits for goodput with --openai, in --threshold's syntax, e.g. ttft<300ms,itl<25ms,latency<2s (figures ttft, ttst, itl, latency; aiperf's ttft=300ms means ttft<=300ms); limits over the wave (ttft.p90=300ms, p99=500ms: from the intended start) are gates like --threshold, and --find-max-rps's SLOs.")
    String slo;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json", description = "The model's Hugging Face tokenizer.json: counts the output tokens of a server that sends no usage (else content chunks are counted; the server's usage always wins). The outcome's tokens_counted_as says which.")
    Path tokenizer;

    @Option(names = "--stream", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Stream the --openai answers (default); --no-stream: one JSON answer each, latency and usage tokens only.")
    boolean stream;

    /** Whether the wave is an LLM wave; the other flags of this group need it. */
    boolean requested() {
        return api != null;
    }

    /**
     * The LLM wave's target, checked whole (the prompts file is read now).
     *
     * @param url  {@code --url}: the full completions URL; null with {@code --simulate}
     * @param seed {@code --seed}: also the synthetic prompts' seed
     * @param factoriesFile {@code --factories-file}, which cannot go with {@code --openai}
     * @param timeoutSeconds {@code --timeout} in whole seconds, or 0 for the sampler's own default
     */
    WaveTarget target(URI url, String seed, Path factoriesFile, int timeoutSeconds) {
        if (api == null) {
            throw new BadInputException(strayFlag() + " is for an LLM wave: add --openai chat|completions, or leave it out.");
        }
        if (factoriesFile != null) {
            throw new BadInputException("--openai and --factories-file are two kinds of wave: give one of them.");
        }
        long promptSeed;
        try {
            promptSeed = Long.parseLong(seed.strip());
        } catch (NumberFormatException | NullPointerException e) {
            throw new BadInputException("--seed '" + seed + "' is not a whole number: give e.g. 42.");
        }
        String kind = api.strip().toLowerCase(java.util.Locale.ROOT);
        if (!kind.equals("chat") && !kind.equals("completions")) {
            throw new BadInputException("--openai " + api + " is not an API this sampler speaks: give chat or completions.");
        }
        if (model == null || model.isBlank()) {
            throw new BadInputException("--openai needs --model NAME: the model name the endpoint serves.");
        }
        if (maxTokens < 0) {
            throw new BadInputException("--max-tokens must be 0 (the server decides) or more, got " + maxTokens + ".");
        }
        if (sharedPrefix < 0) {
            throw new BadInputException("--shared-prefix must be 0 or more words, got " + sharedPrefix + ".");
        }
        int[] input = syntheticInput();
        if (sharedPrefix > input[0]) {
            throw new BadInputException("--shared-prefix " + sharedPrefix + " is longer than the synthetic prompts ("
                    + input[0] + " words): give a smaller prefix or more --synthetic-input-tokens.");
        }
        OpenAiTarget target = new OpenAiTarget(url, kind, model.strip(), maxTokens, stream,
                prompts == null ? null : prompts.toAbsolutePath(), input[0], input[1], sharedPrefix, promptSeed, apiKey, perRequestSlo() == null ? "" : perRequestSlo(),
                tokenizer == null ? null : tokenizer.toAbsolutePath(), timeoutSeconds);
        try {
            OpenAiStreamingSampler.of("check", target.settings(url == null ? URI.create("http://127.0.0.1/") : url, apiKey)).validate();
        } catch (io.inferencebench.openai.OpenAiSettingsException e) {
            throw new BadInputException(e.getMessage().replace("The OpenAI Streaming Sampler's 'SLOs'", "--slo")
                    .replace("The OpenAI Streaming Sampler's 'Tokenizer' file", "--tokenizer"));
        }
        return target;
    }

    private int[] syntheticInput() {
        String[] parts = syntheticInput.split(",", -1);
        try {
            int n = Integer.parseInt(parts[0].strip());
            int stddev = parts.length > 1 ? Integer.parseInt(parts[1].strip()) : 0;
            if (parts.length <= 2 && n >= 1 && stddev >= 0) {
                return new int[] {n, stddev};
            }
        } catch (NumberFormatException e) {
            // the sentence below
        }
        throw new BadInputException("--synthetic-input-tokens '" + syntheticInput + "' is not N or N,STDDEV with N >= 1"
                + " and STDDEV >= 0: give e.g. 128 or 128,16.");
    }

    /** A flag of this group without {@code --openai}: it would silently do nothing. */
    String strayFlag() {
        return strayFlag(false);
    }

    /** As {@link #strayFlag()}; with {@code aiperf}, {@code --model} and {@code --api-key} are aiperf's. */
    String strayFlag(boolean aiperf) {
        return model != null && !aiperf ? "--model" : prompts != null ? "--prompts"
                : apiKey != null && !aiperf ? "--api-key" : perRequestSlo() != null ? "--slo"
                : tokenizer != null ? "--tokenizer" : null;
    }

    /** The per-request limits of {@code --slo} (goodput); its percentile limits are the wave's gates ({@link Slos}). */
    String perRequestSlo() {
        return Slos.perRequest(slo);
    }

    /** The percentile and rate limits of {@code --slo}, gates like {@code --threshold} ({@link Slos}). */
    java.util.List<io.inferencebench.outcome.Threshold> waveSlos() {
        return Slos.waveLevel(slo);
    }
}
