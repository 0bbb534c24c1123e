package io.inferencebench.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.jmeter.config.Arguments;
import org.apache.jmeter.control.LoopController;
import org.apache.jmeter.control.gui.LoopControlPanel;
import org.apache.jmeter.control.gui.TestPlanGui;
import org.apache.jmeter.protocol.http.control.Header;
import org.apache.jmeter.protocol.http.control.HeaderManager;
import org.apache.jmeter.protocol.http.control.gui.HttpTestSampleGui;
import org.apache.jmeter.protocol.http.gui.HeaderPanel;
import org.apache.jmeter.protocol.http.sampler.HTTPSamplerProxy;
import org.apache.jmeter.protocol.http.util.HTTPArgument;
import org.apache.jmeter.reporters.ResultCollector;
import org.apache.jmeter.samplers.SampleSaveConfiguration;
import org.apache.jmeter.save.SaveService;
import org.apache.jmeter.testbeans.gui.TestBeanGUI;
import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.TestPlan;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jmeter.threads.gui.ThreadGroupGui;
import org.apache.jorphan.collections.HashTree;
import org.apache.jorphan.collections.ListedHashTree;

import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.wave.WaveSummaryListener;

/**
 * Builds the JMeter test plan of a wave: one thread group whose samplers a Constant RPS Timer paces,
 * a JTL writer and the Wave Summary listener. The same tree runs embedded and is saved as
 * {@code plan.jmx}, which runs unchanged in a JMeter home with our jars in {@code lib/ext}.
 */
public final class PlanBuilder {
    /** The JMeter property a saved HTTP plan reads its endpoint URL from. */
    public static final String URL_PROPERTY = "ib.url";

    /** Header names whose values are secrets: they go into the plan as properties, never as text. */
    private static final List<String> SECRET_HEADER_HINTS = List.of("authorization", "key", "token", "secret",
            "password", "cookie", "signature");

    private final HashTree tree = new ListedHashTree();
    private final HashTree threadGroupTree;
    private final WaveSummaryListener summary;
    private final ConstantRpsTimer timer;
    private final List<String[]> secretProperties = new ArrayList<>();

    public PlanBuilder(String name, int initialThreads, ConstantRpsTimer timer, Path jtl, Path runDir,
                       double successThreshold) {
        TestPlan plan = new TestPlan(name);
        gui(plan, TestPlanGui.class);
        plan.setUserDefinedVariables(gui(new Arguments(), org.apache.jmeter.config.gui.ArgumentsPanel.class));
        HashTree planTree = tree.add(plan);

        LoopController loop = gui(new LoopController(), LoopControlPanel.class);
        loop.setLoops(LoopController.INFINITE_LOOP_COUNT);
        loop.setContinueForever(true);
        loop.setFirst(true);
        ThreadGroup group = gui(new ThreadGroup(), ThreadGroupGui.class);
        group.setName("Wave");
        group.setNumThreads(initialThreads);
        group.setRampUp(0);
        group.setSamplerController(loop);
        group.setProperty(ThreadGroup.ON_SAMPLE_ERROR, ThreadGroup.ON_SAMPLE_ERROR_CONTINUE);
        threadGroupTree = planTree.add(group);

        this.timer = gui(timer, TestBeanGUI.class);
        timer.setName("Constant RPS Timer");

        if (jtl == null) {
            summary = null;
            return; // a bare plan (warm-up): no JTL, no summary
        }
        ResultCollector jtlWriter = gui(new ResultCollector(), org.apache.jmeter.visualizers.SimpleDataWriter.class);
        jtlWriter.setName("results.jtl");
        jtlWriter.setFilename(jtl.toString());
        SampleSaveConfiguration save = new SampleSaveConfiguration();
        save.setAsXml(false);
        save.setFieldNames(true);
        save.setLatency(true);
        save.setConnectTime(true);
        save.setBytes(true);
        save.setSentBytes(true);
        save.setThreadCounts(true);
        save.setIdleTime(true);
        jtlWriter.setSaveConfig(save);
        planTree.add(jtlWriter);

        summary = gui(new WaveSummaryListener(), TestBeanGUI.class);
        summary.setName("Wave Summary");
        summary.setOutputDirectory(runDir.toString());
        summary.setSuccessThreshold(Double.toString(successThreshold));
        planTree.add(summary);
    }

    /** A plain HTTP POST of {@code body} to {@code url}, with headers ({@code Name: value}). */
    public PlanBuilder httpPost(URI url, String body, List<String> headers, java.time.Duration timeout) {
        HTTPSamplerProxy http = postSampler(url, body);
        http.setResponseTimeout(Long.toString(timeout.toMillis()));
        // the whole URL from a property, the run's URL as the default: `jmeter -n -t plan.jmx -Jib.url=...`
        // replays the plan against another endpoint (host, port, scheme, path and query alike)
        http.setPath("${__P(" + URL_PROPERTY + "," + url.toString().replace(",", "\\,") + ")}");
        HashTree samplerTree = threadGroupTree.add(http);
        samplerTree.add(timer);

        HeaderManager headerManager = gui(new HeaderManager(), HeaderPanel.class);
        headerManager.setName("HTTP headers");
        boolean hasContentType = false;
        for (String h : headers) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            hasContentType |= name.equalsIgnoreCase("Content-Type");
            if (isSecret(name)) {
                value = secret(value);
            }
            headerManager.add(new Header(name, value));
        }
        if (!hasContentType) {
            headerManager.add(new Header("Content-Type", "application/json"));
        }
        samplerTree.add(headerManager);
        return this;
    }

    /**
     * The HTTP sampler of a wave: a keep-alive HttpClient4 POST of a raw body, no redirects, 10 s to
     * connect and 60 s to answer. The pacing benchmark sends the same sampler.
     */
    public static HTTPSamplerProxy postSampler(URI url, String body) {
        HTTPSamplerProxy http = gui(new HTTPSamplerProxy(), HttpTestSampleGui.class);
        http.setName(url.getPath() == null || url.getPath().isEmpty() ? "/" : url.getPath());
        // a full URL in the path keeps its query string (?api-version=... for Azure OpenAI): JMeter drops a
        // query from a POST's path otherwise
        http.setDomain("");
        http.setProtocol("");
        http.setPath(url.toString());
        http.setMethod("POST");
        http.setFollowRedirects(false);
        http.setUseKeepAlive(true);
        http.setImplementation("HttpClient4");
        http.setConnectTimeout("10000");
        http.setResponseTimeout("60000");
        http.setPostBodyRaw(true);
        Arguments args = new Arguments();
        HTTPArgument arg = new HTTPArgument("", body == null ? "" : body, false);
        arg.setAlwaysEncoded(false);
        args.addArgument(arg);
        http.setArguments(args);
        return http;
    }

    /** Any sampler (the Python Factory Sampler, ...) paced by the timer. */
    public PlanBuilder sampler(TestElement sampler) {
        threadGroupTree.add(sampler).add(timer);
        return this;
    }

    /** A listener of the thread group's samples (the warm-up's count of them). */
    public PlanBuilder listener(TestElement listener) {
        threadGroupTree.add(listener);
        return this;
    }

    /**
     * What is wrong with a {@code --header} value, as one sentence, or {@code null} when it is
     * {@code Name: value}. Never echoes the value: a header without a colon may be a secret written
     * carelessly ({@code Authorization Bearer abc}), and even its name part may hold it.
     */
    static String headerProblem(String header) {
        if (header == null || header.isBlank()) {
            return "--header is empty: give Name:Value, e.g. --header 'X-Model: m1'.";
        }
        int colon = header.indexOf(':');
        if (colon < 0) {
            return "A --header has no colon between name and value (its text is not shown, it may be a secret): "
                    + "give Name:Value, e.g. --header 'Authorization: Bearer <token>'.";
        }
        String name = header.substring(0, colon).trim();
        if (name.isEmpty()) {
            return "A --header has no name before its colon (its value is not shown, it may be a secret): give "
                    + "Name:Value, e.g. --header 'X-Model: m1'.";
        }
        if (!name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            return "A --header name is not an HTTP header name (it has spaces or separators; the header is not shown, "
                    + "it may be a secret): give Name:Value, e.g. --header 'Authorization: Bearer <token>'.";
        }
        if (header.indexOf('\n') >= 0 || header.indexOf('\r') >= 0) {
            return "--header " + name + " has a line break in its value (not shown, it may be a secret): give the value "
                    + "on one line.";
        }
        return null;
    }

    static boolean isSecret(String headerName) {
        String n = headerName.toLowerCase(Locale.ROOT);
        return SECRET_HEADER_HINTS.stream().anyMatch(n::contains);
    }

    /**
     * A secret (a header value, an API key) as the plan holds it: a reference to a property that the
     * run sets, so the value itself never reaches {@code plan.jmx}.
     */
    public String secret(String value) {
        String prop = "ib.header." + (secretProperties.size() + 1);
        secretProperties.add(new String[] {prop, value});
        return "${__P(" + prop + ")}";
    }

    /** Properties ({@code ib.header.N}) the plan reads secret header values from: set them, never save them. */
    public List<String[]> secretProperties() {
        return secretProperties;
    }

    public HashTree tree() {
        return tree;
    }

    public WaveSummaryListener summary() {
        return summary;
    }

    public void save(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            SaveService.saveTree(tree, out);
        }
    }

    private static <T extends TestElement> T gui(T element, Class<?> guiClass) {
        element.setProperty(TestElement.TEST_CLASS, element.getClass().getName());
        element.setProperty(TestElement.GUI_CLASS, guiClass.getName());
        return element;
    }
}
