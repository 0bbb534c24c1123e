package io.inferencebench.openai;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.jmeter.samplers.AbstractSampler;
import org.apache.jmeter.samplers.Entry;
import org.apache.jmeter.samplers.Interruptible;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testbeans.gui.TestBeanGUI;
import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.inferencebench.testbean.BeanProperties;
import io.inferencebench.wave.SampleFields;

/**
 * OpenAI Streaming Sampler: each sample is one chat or text completion of an OpenAI-compatible
 * endpoint (vLLM, TGI, SGLang, Ollama, llama.cpp, Azure OpenAI, ...), streamed, with its token
 * figures (TTFT, time to second token, ITL, request latency, output and input tokens) as
 * {@link SampleFields} for the wave's {@code tokens} section. The element holds settings only; the
 * HTTP client and prompts are built in {@code testStarted}, on whichever engine runs the plan.
 */
public class OpenAiStreamingSampler extends AbstractSampler implements TestBean, TestStateListener, Interruptible {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(OpenAiStreamingSampler.class);
    /** The endpoints of running tests, by settings: every thread's clone meets the one its test built. */
    private static final Map<String, OpenAiEndpoint> RUNNING = new ConcurrentHashMap<>();
    private static final Map<String, String> START_FAILURES = new ConcurrentHashMap<>();

    /** A local vLLM's chat completions, as the GUI first shows it. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8000/v1/chat/completions";
    public static final String DEFAULT_MODEL = "simulator";
    public static final int DEFAULT_MAX_TOKENS = 64;
    public static final int DEFAULT_INPUT_TOKENS = 128;

    private String url = DEFAULT_URL;
    private String api = "chat";
    private String model = DEFAULT_MODEL;
    private String apiKey = "";
    private boolean stream = true;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private String promptsFile = "";
    private int syntheticInputTokens = DEFAULT_INPUT_TOKENS;
    private int syntheticInputStddev = 0;
    private int sharedPrefixTokens = 0;
    private long seed = 0;
    private int requestTimeoutSeconds = 600;
    private String slo = "";
    private String tokenizerFile = "";

    private transient OpenAiEndpoint endpoint;
    private transient ServiceLevels serviceLevels;
    /** This thread's connection (JMeter gives each thread its own clone of the element). */
    private transient volatile StreamingConnection connection;

    /**
     * Every setting starts at its default as a property too, so a plan that leaves one out (written by
     * hand, or by an older version) runs with the default rather than JMeter's 0, "" or false.
     */
    public OpenAiStreamingSampler() {
        setUrl(url);
        setApi(api);
        setModel(model);
        setApiKey(apiKey);
        setStream(stream);
        setMaxTokens(maxTokens);
        setPromptsFile(promptsFile);
        setSyntheticInputTokens(syntheticInputTokens);
        setSyntheticInputStddev(syntheticInputStddev);
        setSharedPrefixTokens(sharedPrefixTokens);
        setSeed(seed);
        setSlo(slo);
        setRequestTimeoutSeconds(requestTimeoutSeconds);
        setTokenizerFile(tokenizerFile);
    }

    /**
     * A sampler with these settings (by property name: {@code url}, {@code model}, {@code maxTokens}, ...)
     * and the defaults for the rest, as element properties, as the GUI would build it.
     */
    public static OpenAiStreamingSampler of(String name, Map<String, Object> settings) {
        OpenAiStreamingSampler sampler = new OpenAiStreamingSampler();
        sampler.setProperty(TestElement.TEST_CLASS, OpenAiStreamingSampler.class.getName());
        sampler.setProperty(TestElement.GUI_CLASS, TestBeanGUI.class.getName());
        sampler.setName(name);
        settings.forEach((key, value) -> {
            if (value instanceof Boolean b) {
                sampler.setProperty(key, b);
            } else if (value instanceof Integer i) {
                sampler.setProperty(key, i);
            } else if (value instanceof Long l) {
                sampler.setProperty(key, l);
            } else {
                sampler.setProperty(key, String.valueOf(value));
            }
        });
        return sampler;
    }

    /** What identifies this element's endpoint among the running ones (never logged: it holds the key). */
    private String settingsKey() {
        return String.join("\u0000", url, api, model, apiKey, Boolean.toString(stream), Integer.toString(maxTokens),
                promptsFile, Integer.toString(syntheticInputTokens), Integer.toString(syntheticInputStddev),
                Integer.toString(sharedPrefixTokens), Long.toString(seed), Integer.toString(requestTimeoutSeconds), slo, tokenizerFile);
    }

    /**
     * Checks the settings as a test would use them (the prompts file is read), without starting a
     * client; every problem is one sentence naming the setting as the GUI shows it.
     */
    public void validate() throws OpenAiSettingsException {
        // outside a running test JMeter has not copied the properties into the fields yet
        url = getPropertyAsString("url", url);
        api = getPropertyAsString("api", api);
        model = getPropertyAsString("model", model);
        stream = getPropertyAsBoolean("stream", stream);
        maxTokens = getPropertyAsInt("maxTokens", maxTokens);
        promptsFile = getPropertyAsString("promptsFile", promptsFile);
        syntheticInputTokens = getPropertyAsInt("syntheticInputTokens", syntheticInputTokens);
        syntheticInputStddev = getPropertyAsInt("syntheticInputStddev", syntheticInputStddev);
        sharedPrefixTokens = getPropertyAsInt("sharedPrefixTokens", sharedPrefixTokens);
        seed = getPropertyAsLong("seed", seed);
        slo = getPropertyAsString("slo", slo);
        tokenizerFile = getPropertyAsString("tokenizerFile", tokenizerFile);
        ServiceLevels.parse(slo);
        uri();
        prompts();
        ModelTokenizer tokenizer = tokenizer();
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    /** The model's tokenizer, or {@code null} when no file is set. */
    private ModelTokenizer tokenizer() throws OpenAiSettingsException {
        if (tokenizerFile == null || tokenizerFile.isBlank()) {
            return null;
        }
        try {
            return ModelTokenizer.read(Path.of(tokenizerFile.strip()), "The OpenAI Streaming Sampler's 'Tokenizer' file");
        } catch (NoClassDefFoundError e) {
            throw new OpenAiSettingsException("The OpenAI Streaming Sampler's 'Tokenizer' needs DJL's tokenizers jars"
                    + " (ai.djl api and huggingface tokenizers, gson, jna) in JMeter's lib/ext; copy them there, or leave it empty.");
        }
    }

    private URI uri() throws OpenAiSettingsException {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new OpenAiSettingsException("The OpenAI Streaming Sampler's 'URL' (" + url + ") is not an http(s) URL;"
                    + " give the full path, e.g. http://host:8000/v1/chat/completions.");
        }
        return uri;
    }

    private Prompts prompts() throws OpenAiSettingsException {
        String kind = api == null ? "" : api.strip().toLowerCase(Locale.ROOT);
        if (!kind.equals("chat") && !kind.equals("completions")) {
            throw new OpenAiSettingsException("The OpenAI Streaming Sampler's 'API' is " + api + "; use chat or completions.");
        }
        if (model == null || model.isBlank()) {
            throw new OpenAiSettingsException("The OpenAI Streaming Sampler has no 'Model'; set the model name the endpoint serves.");
        }
        if (maxTokens < 0 || syntheticInputTokens < 1 || syntheticInputStddev < 0 || sharedPrefixTokens < 0) {
            throw new OpenAiSettingsException("The OpenAI Streaming Sampler's token counts must not be negative"
                    + " (and 'Synthetic input tokens' at least 1); correct them.");
        }
        Path prompts = promptsFile == null || promptsFile.isBlank() ? null : Path.of(promptsFile.strip());
        return Prompts.of(kind.equals("chat"), model.strip(), maxTokens, stream, prompts, syntheticInputTokens,
                syntheticInputStddev, sharedPrefixTokens, seed);
    }

    /** The endpoint these settings describe. */
    OpenAiEndpoint endpoint() throws OpenAiSettingsException {
        ServiceLevels.parse(slo);
        URI uri = uri();
        Prompts prompts = prompts();
        return new OpenAiEndpoint(uri, apiKey, prompts, stream, Duration.ofSeconds(Math.max(1, requestTimeoutSeconds)),
                tokenizer());
    }

    @Override
    public void testStarted() {
        String key = settingsKey();
        START_FAILURES.remove(key);
        try {
            RUNNING.put(key, endpoint());
            TokenStream.warmUp();
            HttpAnswer.warmUp();
        } catch (OpenAiSettingsException e) {
            START_FAILURES.put(key, e.getMessage());
            log.error("{}", e.getMessage());
        }
    }

    @Override
    public void testStarted(String host) {
        testStarted();
    }

    @Override
    public void testEnded() {
        String key = settingsKey();
        OpenAiEndpoint ended = RUNNING.remove(key);
        if (ended != null) {
            ended.close();
        }
        START_FAILURES.remove(key);
    }

    @Override
    public void testEnded(String host) {
        testEnded();
    }

    @Override
    public SampleResult sample(Entry entry) {
        SampleResult result = new SampleResult();
        result.setSampleLabel(getName());
        if (endpoint == null) {
            String key = settingsKey();
            endpoint = RUNNING.get(key);
            if (endpoint == null) {
                result.setStampAndTime(System.currentTimeMillis(), 0);
                result.setSuccessful(false);
                result.setResponseCode("500");
                result.setResponseMessage(START_FAILURES.getOrDefault(key, "the OpenAI Streaming Sampler was not started (no testStarted)"));
                result.setStopTest(true);
                return result;
            }
        }
        if (connection == null) {
            connection = endpoint.connection();
            try {
                serviceLevels = ServiceLevels.parse(slo);
            } catch (OpenAiSettingsException e) {
                serviceLevels = ServiceLevels.NONE; // testStarted logged it
            }
        }
        long startMs = System.currentTimeMillis();
        TokenMeasurement m = endpoint.request(connection);
        long elapsedMs = Math.round(m.elapsedNanos() / 1e6);
        result.setStampAndTime(startMs, elapsedMs);
        result.setLatency(Double.isNaN(m.ttftMs()) ? elapsedMs : Math.round(m.ttftMs()));
        result.setBytes(m.bytes());
        result.setBodySize(m.bytes());
        result.setDataType(SampleResult.TEXT);
        result.setSuccessful(m.ok());
        if (m.ok()) {
            result.setResponseCodeOK();
            result.setResponseMessageOK();
        } else {
            result.setResponseCode(m.error().startsWith("HTTP ") ? m.error().substring(5, 8) : "500");
            result.setResponseMessage(m.error());
        }
        JMeterVariables variables = JMeterContextService.getContext().getVariables();
        if (variables != null) {
            variables.put(SampleFields.STATUS, m.ok() ? "200" : result.getResponseCode());
            variables.put(SampleFields.RESPONSE_BYTES, Long.toString(m.bytes()));
            variables.put(SampleFields.TTFT_MS, millis(m.ttftMs()));
            variables.put(SampleFields.TTST_MS, millis(m.ttstMs()));
            variables.put(SampleFields.ITL_MS, millis(m.itlMs()));
            variables.put(SampleFields.REQUEST_LATENCY_MS, millis(m.latencyMs()));
            variables.put(SampleFields.OUTPUT_TOKENS, m.outputTokens() < 0 ? "" : Integer.toString(m.outputTokens()));
            variables.put(SampleFields.INPUT_TOKENS, m.inputTokens() < 0 ? "" : Integer.toString(m.inputTokens()));
            variables.put(SampleFields.TOKENS_COUNTED_AS, m.outputTokens() < 0 ? "" : m.countedAs());
            variables.put(SampleFields.SLO_MET, serviceLevels.met(m));
        }
        return result;
    }

    /** Milliseconds with microsecond decimals, empty when not measured, without a Formatter per sample. */
    static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "";
        }
        long micros = Math.max(0, Math.round(ms * 1000));
        long fraction = micros % 1000;
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    /** JMeter's stop: the connection closes and the sample fails with what it received. */
    @Override
    public boolean interrupt() {
        StreamingConnection c = connection;
        if (c != null) {
            c.close();
        }
        return c != null;
    }

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; BeanProperties.mirror(this, "url", url); }
    public String getApi() { return api; }
    public void setApi(String api) { this.api = api; BeanProperties.mirror(this, "api", api); }
    public String getModel() { return model; }
    public void setModel(String model) { this.model = model; BeanProperties.mirror(this, "model", model); }
    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; BeanProperties.mirror(this, "apiKey", apiKey); }
    public boolean isStream() { return stream; }
    public void setStream(boolean stream) { this.stream = stream; BeanProperties.mirror(this, "stream", stream); }
    public int getMaxTokens() { return maxTokens; }
    public void setMaxTokens(int maxTokens) { this.maxTokens = maxTokens; BeanProperties.mirror(this, "maxTokens", maxTokens); }
    public String getPromptsFile() { return promptsFile; }
    public void setPromptsFile(String promptsFile) { this.promptsFile = promptsFile; BeanProperties.mirror(this, "promptsFile", promptsFile); }
    public int getSyntheticInputTokens() { return syntheticInputTokens; }
    public void setSyntheticInputTokens(int tokens) { this.syntheticInputTokens = tokens; BeanProperties.mirror(this, "syntheticInputTokens", tokens); }
    public int getSyntheticInputStddev() { return syntheticInputStddev; }
    public void setSyntheticInputStddev(int stddev) { this.syntheticInputStddev = stddev; BeanProperties.mirror(this, "syntheticInputStddev", stddev); }
    public int getSharedPrefixTokens() { return sharedPrefixTokens; }
    public void setSharedPrefixTokens(int tokens) { this.sharedPrefixTokens = tokens; BeanProperties.mirror(this, "sharedPrefixTokens", tokens); }
    public long getSeed() { return seed; }
    public void setSeed(long seed) { this.seed = seed; BeanProperties.mirror(this, "seed", seed); }
    public String getSlo() { return slo; }
    public void setSlo(String slo) { this.slo = slo; BeanProperties.mirror(this, "slo", slo); }
    public int getRequestTimeoutSeconds() { return requestTimeoutSeconds; }
    public void setRequestTimeoutSeconds(int seconds) { this.requestTimeoutSeconds = seconds; BeanProperties.mirror(this, "requestTimeoutSeconds", seconds); }
    public String getTokenizerFile() { return tokenizerFile; }
    public void setTokenizerFile(String tokenizerFile) { this.tokenizerFile = tokenizerFile; BeanProperties.mirror(this, "tokenizerFile", tokenizerFile); }

    /** The GUI's help link (a field of its own kind): nothing to set or save. */
    public String getHelp() {
        return "";
    }

    public void setHelp(String ignored) {
        // the link only opens the element's help
    }
}
