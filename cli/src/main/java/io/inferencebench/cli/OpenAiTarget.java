package io.inferencebench.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.jmeter.testelement.TestElement;

import io.inferencebench.openai.OpenAiStreamingSampler;

/**
 * Each request is one chat or text completion of an OpenAI-compatible endpoint, streamed and timed
 * token by token; without a URL, the simulator's {@code /v1/chat/completions} or {@code /v1/completions}.
 *
 * @param promptsFile null for synthetic prompts of {@code inputTokens} words (stddev {@code inputStddev})
 * @param apiKey      never written: the plan reads it from a property the run sets
 * @param slo         per-request limits for goodput ({@code ttft=300ms,itl=25ms}), or empty
 * @param tokenizer   the model's tokenizer.json, for answers without usage; null: such answers count chunks
 * @param timeoutSeconds how long a request may take ({@code --timeout}), or 0 for the sampler's default (600 s)
 */
public record OpenAiTarget(URI url, String api, String model, int maxTokens, boolean stream, Path promptsFile,
                           int inputTokens, int inputStddev, int sharedPrefix, long seed, String apiKey, String slo,
                           Path tokenizer, int timeoutSeconds)
        implements WaveTarget {

    @Override
    public String endpointUrl() {
        return url == null ? null : url.toString();
    }

    @Override
    public String mode() {
        return "openai";
    }

    private String path() {
        return api.equals("chat") ? "/v1/chat/completions" : "/v1/completions";
    }

    /** The sampler's settings, by property name, with {@code key} as the API key (a property reference in a plan). */
    Map<String, Object> settings(URI to, String key) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", to.toString());
        s.put("api", api);
        s.put("model", model);
        s.put("apiKey", key == null ? "" : key);
        s.put("stream", stream);
        s.put("maxTokens", maxTokens);
        s.put("promptsFile", promptsFile == null ? "" : promptsFile.toString());
        s.put("syntheticInputTokens", inputTokens);
        s.put("syntheticInputStddev", inputStddev);
        s.put("sharedPrefixTokens", sharedPrefix);
        s.put("seed", seed);
        s.put("slo", slo);
        s.put("tokenizerFile", tokenizer == null ? "" : tokenizer.toString());
        if (timeoutSeconds > 0) {
            s.put("requestTimeoutSeconds", timeoutSeconds);
        }
        return s;
    }

    @Override
    public Open open(String endpointUrl, Console console) {
        URI to = url != null ? url : URI.create(endpointUrl + path());
        return new Open() {
            @Override
            public void addTo(PlanBuilder plan) {
                String key = apiKey == null || apiKey.isBlank() ? "" : plan.secret(apiKey);
                plan.sampler(OpenAiStreamingSampler.of(model, settings(to, key)));
            }

            @Override
            public TestElement warmUpSampler(String localBaseUrl) {
                // the same requests (prompts, max_tokens, streaming, tokenizer) to the private simulator, without the key
                return OpenAiStreamingSampler.of(model, settings(URI.create(localBaseUrl + path()), ""));
            }

            @Override
            public String describe() {
                return (stream ? "streamed " : "") + api + " completions of " + model + " from " + to + ", max_tokens "
                        + (maxTokens == 0 ? "unset" : maxTokens) + ", "
                        + (promptsFile != null ? "prompts from " + promptsFile
                        : "synthetic prompts of " + inputTokens + " words" + (inputStddev > 0 ? " (stddev " + inputStddev + ")" : "")
                        + (sharedPrefix > 0 ? ", " + sharedPrefix + " shared" : ", fresh per request"))
                        + (tokenizer != null ? ", tokens without usage counted by " + tokenizer : "");
            }

            @Override
            public String target() {
                return to.toString();
            }
        };
    }
}
