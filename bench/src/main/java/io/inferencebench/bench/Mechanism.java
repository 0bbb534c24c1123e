package io.inferencebench.bench;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.jmeter.config.Arguments;
import org.apache.jmeter.control.LoopController;
import org.apache.jmeter.protocol.http.control.Header;
import org.apache.jmeter.protocol.http.control.HeaderManager;
import org.apache.jmeter.protocol.http.sampler.HTTPSamplerProxy;
import org.apache.jmeter.testelement.TestPlan;
import org.apache.jmeter.testelement.property.CollectionProperty;
import org.apache.jmeter.threads.AbstractThreadGroup;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jmeter.threads.openmodel.OpenModelThreadGroup;
import org.apache.jmeter.timers.ConstantThroughputTimer;
import org.apache.jmeter.timers.poissonarrivals.PreciseThroughputTimer;
import org.apache.jmeter.util.JMeterUtils;
import org.apache.jorphan.collections.HashTree;
import org.apache.jorphan.collections.ListedHashTree;

import com.blazemeter.jmeter.threads.concurrency.ConcurrencyThreadGroup;

import io.inferencebench.cli.PlanBuilder;
import io.inferencebench.pacing.ConstantRpsTimer;
import kg.apc.jmeter.timers.VariableThroughputTimer;

/**
 * A way to pace requests in JMeter, and the test plan that runs it: every plan has the same HTTP
 * sampler (keep-alive HttpClient4 POST) and the same {@link StartRecorder}; only the pacing differs.
 */
enum Mechanism {
    OURS("ours", "Constant RPS Timer (ours)") {
        @Override
        void pace(HashTree planTree, HTTPSamplerProxy http, StartRecorder recorder, Load load) {
            // starts small (Little's law for the 50 ms service time, no headroom; cold: docs/pacing.md's 3) and grows itself
            ThreadGroup group = threadGroup(load.cold() ? 3 : (int) Math.ceil(load.rate() * 0.05) + 2, 0);
            HashTree groupTree = planTree.add(group);
            ConstantRpsTimer timer = new ConstantRpsTimer();
            timer.setName("Constant RPS Timer");
            timer.setTargetRps(decimal(load.rate()));
            timer.setArrivals("uniform");
            timer.setDurationSeconds(Integer.toString(load.seconds()));
            timer.setLatePolicy("fire");
            // -Dib.bench.cap=N (through IB_JAVA_OPTS) caps the growth, to see what the growth costs
            timer.setMaxThreads(Integer.getInteger("ib.bench.cap", OUR_THREAD_CAP));
            JMeterUtils.setProperty(ConstantRpsTimer.ENGINES_PROPERTY, "1");
            groupTree.add(http).add(List.of(timer, header()));
            groupTree.add(recorder);
        }

        @Override
        String threads(double rate) {
            return StartRecorder.ourPool();
        }
    },

    PRECISE("ptt", "Precise Throughput Timer") {
        @Override
        void pace(HashTree planTree, HTTPSamplerProxy http, StartRecorder recorder, Load load) {
            HashTree groupTree = planTree.add(threadGroup(littleTimesTwo(load.rate()), load.seconds()));
            PreciseThroughputTimer timer = new PreciseThroughputTimer();
            timer.setName("Precise Throughput Timer");
            // TestBean: JMeter sets the fields from these properties before each use
            timer.setProperty("throughput", decimal(load.rate()));
            timer.setProperty("throughputPeriod", "1");
            timer.setProperty("duration", Integer.toString(load.seconds()));
            timer.setProperty("batchSize", "1");
            timer.setProperty("batchThreadDelay", "0");
            timer.setProperty("randomSeed", "42");
            groupTree.add(http).add(List.of(timer, header()));
            groupTree.add(recorder);
        }
    },

    CONSTANT("ctt", "Constant Throughput Timer (shared)") {
        @Override
        void pace(HashTree planTree, HTTPSamplerProxy http, StartRecorder recorder, Load load) {
            HashTree groupTree = planTree.add(threadGroup(littleTimesTwo(load.rate()), load.seconds()));
            ConstantThroughputTimer timer = new ConstantThroughputTimer();
            timer.setName("Constant Throughput Timer");
            timer.setThroughput(load.rate() * 60); // per minute
            timer.setCalcMode(ConstantThroughputTimer.Mode.AllActiveThreadsInCurrentThreadGroup_Shared.ordinal());
            groupTree.add(http).add(List.of(timer, header()));
            groupTree.add(recorder);
        }
    },

    SHAPING("tst", "Throughput Shaping Timer + Concurrency TG") {
        @Override
        void pace(HashTree planTree, HTTPSamplerProxy http, StartRecorder recorder, Load load) {
            // the feedback function keeps its state in JMeter properties named after the timer: start clean
            for (String suffix : List.of("_concurrency", "_cntDelayed", "_cntSent", "_rps", "_totalDuration")) {
                JMeterUtils.getJMeterProperties().remove(TST_NAME + suffix);
            }
            ConcurrencyThreadGroup group = new ConcurrencyThreadGroup();
            group.setName("Concurrency Thread Group");
            int max = littleTimesTwo(load.rate());
            group.setTargetLevel("${__tstFeedback(" + TST_NAME + "," + Math.max(1, max / 2) + "," + max + ",0.1)}");
            group.setRampUp("0");
            group.setSteps("");
            group.setHold(Integer.toString(load.seconds()));
            group.setUnit("S");
            group.setIterationsLimit("");
            group.setLogFilename("");
            group.setProperty(AbstractThreadGroup.ON_SAMPLE_ERROR, AbstractThreadGroup.ON_SAMPLE_ERROR_CONTINUE);
            HashTree groupTree = planTree.add(group);

            VariableThroughputTimer timer = new VariableThroughputTimer();
            timer.setName(TST_NAME);
            CollectionProperty rows = new CollectionProperty(VariableThroughputTimer.DATA_PROPERTY, new ArrayList<>());
            rows.addItem(List.of(decimal(load.rate()), decimal(load.rate()), Integer.toString(load.seconds())));
            timer.setData(rows);
            groupTree.add(http).add(List.of(timer, header()));
            groupTree.add(recorder);
        }

        @Override
        String threads(double rate) {
            return "<= " + littleTimesTwo(rate) + " (feedback, last "
                    + JMeterUtils.getPropDefault(TST_NAME + "_concurrency", "?") + ")";
        }
    },

    OPEN_MODEL("omtg", "Open Model Thread Group") {
        @Override
        void pace(HashTree planTree, HTTPSamplerProxy http, StartRecorder recorder, Load load) {
            OpenModelThreadGroup group = new OpenModelThreadGroup();
            group.setName("Open Model Thread Group");
            // the pause lets requests in flight at the end finish: without it the group interrupts them
            group.setScheduleString(String.format(Locale.ROOT, "rate(%s/sec) even_arrivals(%d sec) pause(1 sec)",
                    decimal(load.rate()), load.seconds()));
            group.setRandomSeedString("42");
            group.setProperty(AbstractThreadGroup.ON_SAMPLE_ERROR, AbstractThreadGroup.ON_SAMPLE_ERROR_CONTINUE);
            HashTree groupTree = planTree.add(group);
            groupTree.add(http).add(header());
            groupTree.add(recorder);
        }

        @Override
        String threads(double rate) {
            return "1 per request";
        }
    },

    /** Not a JMeter plan: Gatling's open model in a JVM of its own ({@link GatlingRun}). */
    GATLING("gatling", "Gatling 3.11.5 open model (own JVM)") {
        @Override
        boolean jmeter() {
            return false;
        }

        @Override
        void pace(HashTree planTree, HTTPSamplerProxy http, StartRecorder recorder, Load load) {
            throw new UnsupportedOperationException("Gatling runs no JMeter plan: GatlingRun runs it");
        }

        @Override
        String threads(double rate) {
            return "?";
        }
    };

    /** The body every row posts. */
    static final String BODY = "{\"instances\": [[1.0, 2.0, 3.0]]}";

    /** Our timer's thread cap: high enough that a 3 s stall at 500 requests/s is not capped. */
    static final int OUR_THREAD_CAP = 4000;
    private static final String TST_NAME = "tst";

    /**
     * The load of one run.
     *
     * @param cold a cold {@code jmeter -n} run: our timer starts from the 3 threads docs/pacing.md gives a
     *             stock Thread Group, not from Little's law
     */
    record Load(URI url, double rate, int seconds, boolean cold) {
        Load(URI url, double rate, int seconds) {
            this(url, rate, seconds, false);
        }

        Load asCold() {
            return new Load(url, rate, seconds, true);
        }
    }

    final String key;
    final String label;

    Mechanism(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** A JMeter plan ({@link #pace}); false for the rows other tools run. */
    boolean jmeter() {
        return true;
    }

    /** Adds the thread group, its pacing and {@code http} (with the recorder beside it) under the test plan. */
    abstract void pace(HashTree planTree, HTTPSamplerProxy http, StartRecorder recorder, Load load);

    /** The threads it used, as far as it tells (read after the run). */
    String threads(double rate) {
        return Integer.toString(littleTimesTwo(rate));
    }

    /** The whole test plan for one run. */
    HashTree plan(Load load, StartRecorder recorder) {
        HashTree tree = new ListedHashTree();
        TestPlan plan = new TestPlan("Pacing benchmark: " + label);
        plan.setUserDefinedVariables(new Arguments());
        HashTree planTree = tree.add(plan);
        pace(planTree, httpPost(load.url()), recorder, load);
        return tree;
    }

    static Mechanism byKey(String key) {
        for (Mechanism m : values()) {
            if (m.key.equalsIgnoreCase(key.trim())) {
                return m;
            }
        }
        return null;
    }

    /** The thread pool the JMeter alternatives get: Little's law for a 50 ms service time, times two. */
    static int littleTimesTwo(double rate) {
        return Math.max(2, (int) Math.ceil(rate * 0.05 * 2));
    }

    /** A plain looping thread group; {@code seconds} > 0 bounds it with JMeter's scheduler. */
    static ThreadGroup threadGroup(int threads, int seconds) {
        LoopController loop = new LoopController();
        loop.setLoops(LoopController.INFINITE_LOOP_COUNT);
        loop.setContinueForever(true);
        loop.setFirst(true);
        ThreadGroup group = new ThreadGroup();
        group.setName("Thread Group");
        group.setNumThreads(threads);
        group.setRampUp(0);
        group.setSamplerController(loop);
        group.setProperty(AbstractThreadGroup.ON_SAMPLE_ERROR, AbstractThreadGroup.ON_SAMPLE_ERROR_CONTINUE);
        if (seconds > 0) {
            group.setScheduler(true);
            group.setDuration(seconds);
            group.setDelay(0);
        }
        return group;
    }

    /** The sampler every mechanism paces: the benchmark command's own. */
    static HTTPSamplerProxy httpPost(URI url) {
        return PlanBuilder.postSampler(url, BODY);
    }

    private static HeaderManager header() {
        HeaderManager headers = new HeaderManager();
        headers.setName("HTTP headers");
        headers.add(new Header("Content-Type", "application/json"));
        return headers;
    }

    static String decimal(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
