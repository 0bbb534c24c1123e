package io.inferencebench.cli.aiperf;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.inferencebench.aiperf.AiperfArgs;
import io.inferencebench.aiperf.AiperfSection;
import io.inferencebench.aiperf.AiperfSettings;
import io.inferencebench.aiperf.BaselinePause;
import io.inferencebench.aiperf.PayloadSource;
import io.inferencebench.aiperf.ServerWindow;
import io.inferencebench.cli.BadInputException;
import io.inferencebench.cli.OpenAiTarget;
import io.inferencebench.cli.WaveTarget;
import io.inferencebench.metrics.AwsOptions;
import io.inferencebench.metrics.EndpointConfig;
import picocli.CommandLine.Option;

/**
 * The original tool's aiperf flow: after the wave (or instead of it), a pause until the server is back
 * at its baseline, then NVIDIA aiperf against the same endpoint on the same payloads, for its token
 * figures beside ours.
 */
public class AiperfOptions {
    @Option(names = "--aiperf", description = "After the wave, pause (--baseline-wait / --baseline-prompt), then run NVIDIA aiperf on the same payloads against --url with --model and --api-key; its figures go to a RESULTS — aiperf block, aiperf/ and summary.json.")
    boolean aiperf;

    @Option(names = "--aiperf-only", description = "Run only aiperf, no wave (needs what --aiperf needs).")
    boolean only;

    @Option(names = "--aiperf-args", paramLabel = "JSON", description = "aiperf flags over ours, e.g. '{\"concurrency\": 8, \"tokenizer\": \"gpt2\"}': a key overrides or adds --key; true or \"\" a bare flag, false drops it, a list repeats it; \"input-file\" replaces the wave's payloads.")
    String args;

    @Option(names = "--baseline-wait", paramLabel = "S", description = "Seconds to wait between the wave and aiperf, so aiperf meets the server at its baseline (default: with --endpoint-config's Prometheus /metrics, until they are back within 10%% of their level before the wave, at most 5 minutes; else none).")
    Double baselineWait;

    @Option(names = "--baseline-prompt", description = "Between the wave and aiperf, wait until return is pressed, as the original tool does.")
    boolean baselinePrompt;

    /** Whether aiperf runs at all. */
    public boolean requested() {
        return aiperf || only;
    }

    /** Whether the wave is skipped. */
    public boolean only() {
        return only;
    }

    /** What aiperf needs to know of the wave. */
    public record Wave(URI url, WaveTarget target, Double clientRps, Long numRequests, Double obsTime,
                       String model, String apiKey, EndpointConfig endpointConfig, AwsOptions aws,
                       java.nio.file.Path endpointConfigFile) {
    }

    /** A flag of this group without {@code --aiperf}: it would silently do nothing. */
    public void checkStray() {
        if (requested()) {
            return;
        }
        String stray = args != null ? "--aiperf-args" : baselineWait != null ? "--baseline-wait"
                : baselinePrompt ? "--baseline-prompt" : null;
        if (stray != null) {
            throw new BadInputException(stray + " is for an aiperf run: add --aiperf (or --aiperf-only), or leave it out.");
        }
    }

    /** The aiperf section of the wave, checked whole now: bad input ends here, before the wave. */
    public AiperfSection section(Wave wave) {
        return new AiperfSection(settings(wave), payloads(wave.target()), pause(wave), serverWindow(wave));
    }

    AiperfSettings settings(Wave wave) {
        if (baselineWait != null && baselinePrompt) {
            throw new BadInputException("--baseline-wait and --baseline-prompt are two ways to pause: give one of them.");
        }
        if (baselineWait != null && !(baselineWait >= 0 && baselineWait <= 86_400)) {
            throw new BadInputException("--baseline-wait must be from 0 to 86400 seconds, got " + baselineWait + ".");
        }
        String endpointType = null;
        boolean streaming = true; // as the original runs aiperf
        String userArgs = args;
        if (wave.target() instanceof OpenAiTarget openai) {
            endpointType = openai.api();
            streaming = openai.stream();
            userArgs = llmArgs(openai, args);
        }
        try {
            return new AiperfSettings(wave.url(), endpointType, wave.model(), streaming, wave.apiKey(),
                    wave.clientRps(), wave.numRequests(), wave.obsTime(), userArgs);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /**
     * An LLM wave's own request shape for aiperf, under the user's {@code --aiperf-args}: the same
     * {@code max_tokens}, and aiperf's synthetic prompts of the same length when the wave's are synthetic.
     */
    private static String llmArgs(OpenAiTarget openai, String userArgs) {
        AiperfArgs user = new AiperfArgs().merge(userArgs); // bad JSON: its sentence, before anything else
        com.fasterxml.jackson.databind.node.ObjectNode ours = JSON.createObjectNode();
        if (openai.maxTokens() > 0) {
            ours.put("extra-inputs", "max_tokens:" + openai.maxTokens());
        }
        if (openai.promptsFile() == null && !user.has("input-file")) {
            ours.put("synthetic-input-tokens-mean", openai.inputTokens());
            if (openai.inputStddev() > 0) {
                ours.put("synthetic-input-tokens-stddev", openai.inputStddev());
            }
        }
        if (userArgs != null && !userArgs.isBlank()) {
            try {
                ours.setAll((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(userArgs)); // the user's win
            } catch (java.io.IOException e) {
                throw new BadInputException("--aiperf-args is not valid JSON: " + e.getMessage());
            }
        }
        return ours.isEmpty() ? userArgs : ours.toString();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** {@code null}: aiperf makes its own synthetic prompts (an LLM wave with synthetic prompts). */
    private static PayloadSource payloads(WaveTarget target) {
        return WavePayloads.of(target);
    }

    /** How long the automatic pause may wait for the server metrics, and how close to their baseline they must come. */
    static final Duration SETTLE_BOUND = Duration.ofMinutes(5);
    static final double SETTLE_TOLERANCE = 0.10;

    BaselinePause pause(Wave wave) {
        if (only) {
            return BaselinePause.none();
        }
        if (baselinePrompt) {
            return BaselinePause.prompt(System.in);
        }
        if (baselineWait != null) {
            return BaselinePause.fixed(Duration.ofMillis(Math.round(baselineWait * 1000)));
        }
        ScrapedLevels levels = wave.endpointConfigFile() == null ? null : ScrapedLevels.of(wave.endpointConfigFile());
        return levels == null ? BaselinePause.none()
                : BaselinePause.settle(levels, SETTLE_TOLERANCE, Duration.ofSeconds(2), SETTLE_BOUND);
    }

    private static ServerWindow serverWindow(Wave wave) {
        return wave.endpointConfig() == null ? null : new EndpointServerWindow(wave.endpointConfig(), wave.aws());
    }
}
