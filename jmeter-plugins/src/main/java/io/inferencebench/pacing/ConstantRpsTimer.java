package io.inferencebench.pacing;

import io.inferencebench.wave.Setting;

import java.math.BigDecimal;

import io.inferencebench.testbean.BeanProperties;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.threads.AbstractThreadGroup;
import org.apache.jmeter.threads.JMeterContext;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterThread;
import org.apache.jmeter.threads.JMeterVariables;
import org.apache.jmeter.timers.Timer;
import org.apache.jmeter.util.JMeterUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.inferencebench.wave.SampleFields;

/**
 * Constant RPS Timer: starts the samplers in its scope on an absolute schedule (an open model), so the
 * request rate holds whatever the latency, records when each request should have started, and grows
 * the thread group when too few threads are free to start on time.
 *
 * <p>All threads in its scope share one schedule per engine. With {@code ib.engines=N} set as a global
 * property ({@code jmeter -R h1,h2 -Gib.engines=2}) each engine takes 1/N of the rate.
 */
public class ConstantRpsTimer extends AbstractTestElement implements Timer, TestBean, TestStateListener {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ConstantRpsTimer.class);

    /** Global property: how many engines share the rate (the CLI sets it for remote runs). */
    public static final String ENGINES_PROPERTY = "ib.engines";
    /**
     * Global property: the schedule's first seconds are a warm-up ({@code -Gib.warmup=2}). Its starts run at the
     * schedule's rate on the same threads and connections as the rest, but carry {@code ib_warmup=1} and are left
     * out of every count and figure, so a wave's figures exclude ramp-up and connection set-up. The duration
     * includes it. The capacity search sets it for each step ({@code --step-warmup}).
     */
    public static final String WARM_UP_PROPERTY = "ib.warmup";
    /** Element property the controller stamps on the copy it sends to remote engines: how many there are. */
    static final String ENGINES_FROM_CONTROLLER = "ib.enginesFromController";

    private String targetRps = "10";
    private String loadProfile = "";
    private String arrivals = "uniform";
    private String seed = "42";
    private String durationSeconds = "";
    private String maxArrivals = "";
    private String latePolicy = "fire";
    /** 0: automatic (see {@link ThreadCap}). */
    private int maxThreads = 0;

    private transient Pacer pacer;

    public ConstantRpsTimer() {
        setTargetRps(targetRps);
        setLoadProfile(loadProfile);
        setArrivals(arrivals);
        setSeed(seed);
        setDurationSeconds(durationSeconds);
        setMaxArrivals(maxArrivals);
        setLatePolicy(latePolicy);
        setMaxThreads(maxThreads);
    }

    @Override
    public long delay() {
        JMeterContext ctx = getThreadContext();
        Pacer p = pacer;
        if (p == null) {
            p = pacer = sharedPacer(ctx);
        }
        Pacer.Start start = p.awaitNextStart();
        if (start == null) {
            JMeterThread thread = ctx.getThread();
            if (thread != null) {
                thread.stop(); // the sampler does not run: JMeterThread checks its running flag after the timers
            }
            return 0;
        }
        JMeterVariables vars = ctx.getVariables();
        vars.put(SampleFields.INTENDED_START_MS, millisWithMicros(start.intendedEpochMicros()));
        vars.put(SampleFields.LATENESS_MS, millisWithMicros(start.latenessNanos() / 1000L));
        vars.put(SampleFields.DROPPED, start.droppedBefore() == 0 ? "0" : Long.toString(start.droppedBefore()));
        vars.put(SampleFields.WARM_UP, start.warmUp() ? "1" : "");
        return 0;
    }

    private Pacer sharedPacer(JMeterContext ctx) {
        AbstractThreadGroup group = ctx.getThreadGroup();
        return Pacer.forKey(new ScopeKey(group, getName()), () -> {
            // -Gib.engines wins; else the count the controller's -R list gave (see writeReplace)
            int engines = JMeterUtils.getPropDefault(ENGINES_PROPERTY,
                    Math.max(1, getPropertyAsInt(ENGINES_FROM_CONTROLLER, 1)));
            LoadProfile profile = profile().perEngine(Math.max(1, engines));
            ArrivalSchedule schedule = ArrivalSchedule.of(profile, ArrivalSchedule.Arrivals.parse(arrivals),
                    parseSeed(), durationBound(), parseCount() / Math.max(1, engines));
            log.info("Constant RPS Timer '{}': {} arrivals at {} (engines={}), late policy {}, max threads {}",
                    getName(), ArrivalSchedule.Arrivals.parse(arrivals), profile, engines,
                    LatePolicy.parse(latePolicy), maxThreads);
            return new Pacer(schedule, LatePolicy.parse(latePolicy), Math.max(0, maxThreads), profile,
                    group, ctx.getEngine(), warmUpNanos());
        });
    }

    /** The warm-up {@link #WARM_UP_PROPERTY} asks for, in nanoseconds (0 when unset or not a duration). */
    private static long warmUpNanos() {
        String text = JMeterUtils.getProperty(WARM_UP_PROPERTY);
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            BigDecimal seconds = LoadProfile.parseSeconds(text);
            return seconds.signum() <= 0 ? 0 : seconds.movePointRight(9).longValue();
        } catch (NumberFormatException e) {
            log.warn("Constant RPS Timer: {}={} is not a duration; no warm-up.", WARM_UP_PROPERTY, text);
            return 0;
        }
    }

    /** The profile the properties describe: the load profile when given, else the constant target rate. */
    public LoadProfile profile() {
        if (loadProfile != null && !loadProfile.isBlank()) {
            return LoadProfile.parse(loadProfile);
        }
        try {
            return LoadProfile.constant(new BigDecimal(String.valueOf(targetRps).trim()));
        } catch (NumberFormatException e) {
            throw new LoadProfileException("The " + Setting.TARGET_RATE + " '" + targetRps
                    + "' is not a number: give requests per second, e.g. 25 or 0.5.");
        }
    }

    /** Checks every property, throwing a {@link LoadProfileException} naming the first problem. */
    public void validate() {
        LoadProfile profile = profile();
        ArrivalSchedule.Arrivals.parse(arrivals);
        LatePolicy.parse(latePolicy);
        parseSeed();
        if (maxThreads < 0) {
            throw new LoadProfileException(Setting.THREAD_CAP + " must be 0 (automatic) or at least 1, got "
                    + maxThreads + ".");
        }
        String fds = ThreadCap.ofThisProcess().problem(maxThreads);
        if (fds != null) {
            throw new LoadProfileException(fds);
        }
        ArrivalSchedule.of(profile, ArrivalSchedule.Arrivals.UNIFORM, 0, durationBound(), parseCount());
    }

    private long parseSeed() {
        try {
            return seed == null || seed.isBlank() ? 42L : Long.parseLong(seed.trim());
        } catch (NumberFormatException e) {
            throw new LoadProfileException("The " + Setting.POISSON_SEED + " '" + seed + "' is not a whole number: give e.g. 42.");
        }
    }

    private BigDecimal durationBound() {
        if (durationSeconds == null || durationSeconds.isBlank()) {
            return null;
        }
        BigDecimal d;
        try {
            d = LoadProfile.parseSeconds(durationSeconds);
        } catch (NumberFormatException e) {
            throw new LoadProfileException(Setting.DURATION.ofElement() + " is '" + durationSeconds
                    + "', not a duration: give seconds, e.g. 60, or 500ms, 5m.");
        }
        if (d.signum() <= 0) {
            throw new LoadProfileException(Setting.DURATION.ofElement() + " must be greater than 0 seconds, got "
                    + durationSeconds + ".");
        }
        if (d.compareTo(ArrivalSchedule.MAX_SECONDS) > 0) {
            throw new LoadProfileException(Setting.DURATION.ofElement() + " is " + LoadProfile.shortText(d)
                    + " s, longer than the longest wave, " + ArrivalSchedule.MAX_TEXT + ": give a shorter duration.");
        }
        return d;
    }

    private long parseCount() {
        if (maxArrivals == null || maxArrivals.isBlank()) {
            return 0;
        }
        try {
            long n = Long.parseLong(maxArrivals.trim());
            if (n < 1) {
                throw new LoadProfileException("The " + Setting.NUMBER_OF_REQUESTS + " must be at least 1, got " + n + ".");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new LoadProfileException("The " + Setting.NUMBER_OF_REQUESTS + " '" + maxArrivals + "' is not a whole number: give e.g. 1000.");
        }
    }

    static String millisWithMicros(long micros) {
        long ms = micros / 1000L;
        int frac = (int) (micros % 1000L);
        StringBuilder sb = new StringBuilder(24).append(ms).append('.');
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        return sb.append(frac).toString();
    }

    @Override
    public boolean isModifiable() {
        return false; // timer.factor must not scale an absolute schedule
    }

    @Override
    public void testStarted() {
        Pacer.reset();
        // on the engine's thread, after JMeter put the Test Plan's and User Defined Variables in its context
        Pacer.useTestVariables(JMeterContextService.getContext().getVariables());
    }

    @Override
    public void testStarted(String host) {
        testStarted();
    }

    @Override
    public void testEnded() {
        // Pacers stay readable until the next test starts: the wave summary reads them at test end.
        // On a remote engine this log line is the only place the thread pool's figures are kept.
        PacingReport r = Pacer.report();
        if (r != null) {
            log.info("Constant RPS Timer: {} starts ({} late, {} dropped), {} threads at the end, {} at the peak, of "
                            + "at most {}{}{}", r.started(), r.lateStarts(), r.droppedStarts(), r.threads(), r.peakThreads(),
                    r.maxThreads(), r.capReached() ? ", thread cap reached" : "",
                    r.cpuLimited() ? ", growth held back by a saturated CPU" : "");
        }
    }

    @Override
    public void testEnded(String host) {
        testEnded();
    }

    @Override
    public Object clone() {
        ConstantRpsTimer clone = (ConstantRpsTimer) super.clone();
        clone.pacer = null;
        return clone;
    }

    /**
     * Identity of a timer's scope: the thread group object and the timer's name. A plain class, not a record: a
     * record's equals and hashCode are bootstrapped through method handles on their first call: about 20 ms of
     * CPU and 60 more classes in a cold {@code jmeter -n} (every new pool thread looks its pacer up once).
     */
    static final class ScopeKey {
        private final AbstractThreadGroup group;
        private final String name;

        ScopeKey(AbstractThreadGroup group, String name) {
            this.group = group;
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ScopeKey other && other.group == group && java.util.Objects.equals(other.name, name);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(group) + java.util.Objects.hashCode(name);
        }
    }

    // TestBean properties

    public String getTargetRps() {
        return targetRps;
    }

    public void setTargetRps(String targetRps) {
        this.targetRps = targetRps;
        BeanProperties.mirror(this, "targetRps", targetRps);
    }

    public String getLoadProfile() {
        return loadProfile;
    }

    public void setLoadProfile(String loadProfile) {
        this.loadProfile = loadProfile;
        BeanProperties.mirror(this, "loadProfile", loadProfile);
    }

    public String getArrivals() {
        return arrivals;
    }

    public void setArrivals(String arrivals) {
        this.arrivals = arrivals;
        BeanProperties.mirror(this, "arrivals", arrivals);
    }

    public String getSeed() {
        return seed;
    }

    public void setSeed(String seed) {
        this.seed = seed;
        BeanProperties.mirror(this, "seed", seed);
    }

    public String getDurationSeconds() {
        return durationSeconds;
    }

    public void setDurationSeconds(String durationSeconds) {
        this.durationSeconds = durationSeconds;
        BeanProperties.mirror(this, "durationSeconds", durationSeconds);
    }

    public String getMaxArrivals() {
        return maxArrivals;
    }

    public void setMaxArrivals(String maxArrivals) {
        this.maxArrivals = maxArrivals;
        BeanProperties.mirror(this, "maxArrivals", maxArrivals);
    }

    public String getLatePolicy() {
        return latePolicy;
    }

    public void setLatePolicy(String latePolicy) {
        this.latePolicy = latePolicy;
        BeanProperties.mirror(this, "latePolicy", latePolicy);
    }

    public int getMaxThreads() {
        return maxThreads;
    }

    public void setMaxThreads(int maxThreads) {
        this.maxThreads = maxThreads;
        BeanProperties.mirror(this, "maxThreads", maxThreads);
    }

    /**
     * JMeter serialises the plan only to send it to remote engines, on the controller: the one place that
     * knows how many engines the -R list names. The count travels as an element property, which every
     * per-thread clone keeps; -Gib.engines still wins on the engines.
     */
    private Object writeReplace() {
        int engines = EngineCount.ofController(System.getProperty("sun.java.command"),
                JMeterUtils.getProperty("remote_hosts"));
        if (engines > 0 && JMeterUtils.getProperty(ENGINES_PROPERTY) == null) {
            setProperty(ENGINES_FROM_CONTROLLER, engines);
        }
        PlannedRate.note(getPropertyAsString("targetRps"), getPropertyAsString("loadProfile"));
        return this;
    }

    /** The GUI's help link (a field of its own kind): nothing to set or save. */
    public String getHelp() {
        return "";
    }

    public void setHelp(String ignored) {
        // the link only opens the element's help
    }
}
