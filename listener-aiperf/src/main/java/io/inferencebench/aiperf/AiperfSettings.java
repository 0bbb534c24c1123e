package io.inferencebench.aiperf;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What an aiperf run after the wave needs, checked whole when built: the endpoint, the model, the key,
 * and the wave's rate, count and duration, which aiperf follows unless {@code --aiperf-args} says
 * otherwise.
 *
 * @param url          the wave's {@code --url}: a base URL, or a full completions URL whose path tells
 *                     aiperf's endpoint type
 * @param endpointType {@code chat} or {@code completions} when the wave knows it (an LLM wave), else {@code null}
 * @param model        the model aiperf asks for; {@code null} when {@code --aiperf-args} names it
 * @param apiKey       never written anywhere: the recorded command line shows {@code ***}
 * @param requestRate  the wave's {@code --client-rps}; {@code null} for a profile
 * @param requestCount the wave's {@code --num-requests}, or {@code null}
 * @param durationS    the wave's {@code --obs-time}, or {@code null}
 * @param userArgs     {@code --aiperf-args}, a JSON object, or {@code null}
 */
public record AiperfSettings(URI url, String endpointType, String model, boolean streaming, String apiKey,
                             Double requestRate, Long requestCount, Double durationS, String userArgs) {

    public static final String REDACTED = "***";

    public AiperfSettings {
        if (url == null) {
            throw new AiperfInputException("--aiperf needs --url: the endpoint aiperf sends its requests to.");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new AiperfInputException("--aiperf needs --api-key: the key aiperf sends as Authorization: Bearer.");
        }
        AiperfArgs user = new AiperfArgs().merge(userArgs); // bad JSON is bad input now, not after the wave
        if ((model == null || model.isBlank()) && user.value("model") == null) {
            throw new AiperfInputException("--aiperf needs --model NAME (the model aiperf asks the endpoint for), "
                    + "or \"model\" in --aiperf-args.");
        }
    }

    /** Whether {@code --aiperf-args} gives aiperf its own input file, so the wave's payloads are not written. */
    public boolean userInput() {
        return new AiperfArgs().merge(userArgs).has("input-file");
    }

    /**
     * How many requests aiperf will send, for a payload callable's calls: the count it is given, else the
     * wave's rate times its duration, else aiperf's default of 10.
     */
    public long calls() {
        AiperfArgs args = new AiperfArgs().merge(userArgs);
        Long count = number(args.value("request-count"));
        if (count != null) {
            return count;
        }
        Double rate = args.has("request-rate") ? Double.valueOf(number(args.value("request-rate"))) : requestRate;
        Double duration = args.has("benchmark-duration") ? Double.valueOf(number(args.value("benchmark-duration")))
                : durationS;
        long byTime = rate != null && duration != null ? (long) Math.ceil(rate * duration) : Long.MAX_VALUE;
        long n = Math.min(requestCount == null ? Long.MAX_VALUE : requestCount, byTime);
        return n == Long.MAX_VALUE ? 10 : Math.max(1, n);
    }

    private static Long number(String text) {
        try {
            return text == null ? null : (long) Math.ceil(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The flags of {@code aiperf profile}, the user's {@code --aiperf-args} merged last.
     *
     * @param inputFile the payloads as a {@code single_turn} dataset, or {@code null} when the user gave one
     */
    public AiperfArgs args(Path artifactDir, Path inputFile) {
        AiperfArgs a = new AiperfArgs();
        if (model != null && !model.isBlank()) {
            a.set("model", model.strip());
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        String type = endpointType;
        String custom = null;
        if (path.endsWith("/v1/chat/completions")) {
            type = type == null ? "chat" : type;
            path = path.substring(0, path.length() - "/v1/chat/completions".length());
        } else if (path.endsWith("/v1/completions")) {
            type = type == null ? "completions" : type;
            path = path.substring(0, path.length() - "/v1/completions".length());
        } else if (!path.isEmpty()) {
            // a path aiperf would not add itself: sent as its custom endpoint
            custom = path;
            path = "";
        }
        a.set("url", url.getScheme() + "://" + url.getRawAuthority() + path);
        a.set("endpoint-type", (type == null ? "chat" : type).toLowerCase(Locale.ROOT));
        if (custom != null) {
            a.set("custom-endpoint", custom);
        }
        if (streaming) {
            a.flag("streaming");
        }
        // aiperf 0.1.x reads the key from its command line only (no environment variable): redacted wherever shown
        a.set("api-key", apiKey);
        if (inputFile != null) {
            a.set("input-file", inputFile.toString());
            a.set("custom-dataset-type", DatasetLine.TYPE);
        }
        if (requestRate != null) {
            a.set("request-rate", plain(requestRate));
            a.set("request-rate-mode", "constant");
        }
        if (requestCount != null && durationS != null) {
            // "whichever ends first" in aiperf's terms: it takes a count or a duration, never both
            a.set("request-count", Math.min(requestCount, requestRate == null ? requestCount
                    : (long) Math.ceil(requestRate * durationS)));
        } else if (requestCount != null) {
            a.set("request-count", requestCount);
        } else if (durationS != null) {
            a.set("benchmark-duration", plain(durationS));
        }
        a.set("output-artifact-dir", artifactDir.toString());
        // aiperf's dashboard needs a terminal, which a wave's console often is not
        a.set("ui-type", "none");
        a.merge(userArgs);
        if (a.has("request-count") && a.has("benchmark-duration") && userSets("benchmark-duration")
                && !userSets("request-count")) {
            a.remove("request-count"); // the user chose a duration over the wave's count
        } else if (a.has("request-count") && a.has("benchmark-duration") && userSets("request-count")
                && !userSets("benchmark-duration")) {
            a.remove("benchmark-duration");
        }
        if (a.has("concurrency") && userSets("concurrency") && !userSets("request-rate")) {
            // a closed loop the user asked for replaces the wave's open rate
            a.remove("request-rate").remove("request-rate-mode");
        }
        return a;
    }

    private boolean userSets(String flag) {
        return new AiperfArgs().merge(userArgs).has(flag);
    }

    /** The command line as it may be shown and recorded: the key replaced by {@value #REDACTED}. */
    public String redacted(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String arg : argv) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            String shown = redact(arg);
            b.append(shown.isEmpty() || shown.matches(".*[\\s'\"\\\\$`].*") ? "'" + shown.replace("'", "'\\''") + "'" : shown);
        }
        return b.toString();
    }

    /** {@code text} with every occurrence of the API key replaced. */
    public String redact(String text) {
        return text == null ? null : text.replace(apiKey, REDACTED);
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return "AiperfSettings[url=" + url + ", model=" + model + ", apiKey=" + REDACTED + "]";
    }
}
