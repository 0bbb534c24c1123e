package io.inferencebench.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.inferencebench.outcome.Threshold;
import io.inferencebench.outcome.WaveSetup;
import io.inferencebench.pacing.ArrivalSchedule;
import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.pacing.LatePolicy;
import io.inferencebench.pacing.LoadProfile;
import io.inferencebench.pacing.LoadProfileException;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.simulator.SimulatorOptionsException;
import io.inferencebench.wave.WaveSection;

/**
 * Everything one wave needs, checked before anything is created: a spec that exists is valid. The
 * command line builds one from flags ({@link WaveOptions#toSpec()}); a capacity step or a test builds
 * one in code with {@link #builder()}. Immutable: a wave never changes its spec, so many waves can
 * run one after the other from specs made up front.
 *
 * @param target      what each request is (an HTTP POST, a Python {@code invoke})
 * @param simulator   the endpoint simulator to start for the wave, or {@code null}
 * @param profile     the rate over time (a constant rate is a one-clause profile)
 * @param engine      where the requests leave from: this JVM, or JMeter remote engines
 * @param sections    what else watches the wave and adds to its outcome, in order
 * @param thresholds  gates on the outcome ({@code --threshold})
 * @param runKind     the run directory's name after its time stamp: {@code benchmark}, or a capacity step's
 * @param warmUpS     seconds at the wave's rate before {@code obsTimeS} that are run but not counted (a capacity
 *                    step's warm-up, {@link ConstantRpsTimer#WARM_UP_PROPERTY}); 0 for none
 */
public record WaveSpec(WaveTarget target, SimulatorOptions simulator, LoadProfile profile, String loadProfileText,
                       double clientRps, String arrivals, long seed, Double obsTimeS, Long numRequests,
                       int maxThreads, String latePolicy, double graceS, double successThreshold, Path resultsDir,
                       WaveEngine engine, boolean warmup, List<WaveSection> sections, List<Threshold> thresholds,
                       boolean allowClientBottleneck, boolean quiet, double progressIntervalS, String runKind,
                       double warmUpS) {

    /** Longest wave we accept: a month is beyond any soak, and keeps every deadline in range. */
    static final double MAX_SECONDS = 30 * 86_400;
    /** Longest grace: a day, far beyond any request a load test waits for. */
    static final double MAX_GRACE_SECONDS = 86_400;

    public WaveSpec {
        sections = List.copyOf(sections);
        thresholds = List.copyOf(thresholds);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * This wave as one step of a capacity search: a constant {@code rps} for {@code warmUpS} seconds not counted,
     * then {@code seconds} counted, without live progress (the search prints a line per step), its run directory
     * {@code <stamp>_<runKind>} under {@code dir}. Everything else (target, engine, sections, thresholds, thread
     * cap) is this spec's.
     *
     * @param jitWarmUp whether the client's one-second JIT warm-up against a private endpoint runs first
     */
    public WaveSpec step(double rps, double seconds, double warmUpS, Path dir, String runKind, boolean jitWarmUp) {
        if (!(rps > 0) || rps > LoadProfile.MAX_RATE.doubleValue() || !(seconds > 0 && seconds <= MAX_SECONDS)
                || !(warmUpS >= 0 && warmUpS <= MAX_SECONDS)) {
            throw new BadInputException("A capacity step needs a rate from more than 0 to "
                    + LoadProfile.MAX_RATE.toPlainString() + " req/s and a time from more than 0 to 30 days, got "
                    + rps + " req/s for " + seconds + " s after a warm-up of " + warmUpS + " s.");
        }
        return new WaveSpec(target, simulator, LoadProfile.constant(rps), null, rps, arrivals, seed, seconds, null,
                maxThreads, latePolicy, graceS, successThreshold, dir, engine, jitWarmUp, sections, thresholds,
                allowClientBottleneck, true, progressIntervalS, runKind, warmUpS);
    }

    /**
     * What the outcome records of this spec (never a secret).
     *
     * @param target the URL or file the opened target drives (the simulator's URL is known only then)
     */
    public WaveSetup setup(String target) {
        return new WaveSetup(this.target.mode(), target, profile.meanRate(), loadProfileText, arrivals, seed,
                obsTimeS, numRequests, maxThreads, latePolicy, graceS, successThreshold, engine.describe());
    }

    /** The Constant RPS Timer that paces this wave. */
    public ConstantRpsTimer timer() {
        return timer(clientRps, loadProfileText, arrivals, seed, obsTimeS == null ? null : obsTimeS + warmUpS,
                numRequests, latePolicy, maxThreads);
    }

    private static ConstantRpsTimer timer(double rps, String loadProfile, String arrivals, long seed, Double obsTime,
                                          Long numRequests, String latePolicy, int maxThreads) {
        ConstantRpsTimer t = new ConstantRpsTimer();
        t.setTargetRps(BigDecimal.valueOf(rps).stripTrailingZeros().toPlainString());
        t.setLoadProfile(loadProfile == null ? "" : loadProfile);
        t.setArrivals(arrivals);
        t.setSeed(Long.toString(seed));
        t.setDurationSeconds(obsTime == null ? "" : BigDecimal.valueOf(obsTime).toPlainString());
        t.setMaxArrivals(numRequests == null ? "" : Long.toString(numRequests));
        t.setLatePolicy(latePolicy);
        t.setMaxThreads(maxThreads);
        return t;
    }

    /** Seconds from the first start (the warm-up's, if any) to the last one the schedule allows. */
    public double scheduleSeconds() {
        double s = MAX_SECONDS;
        if (obsTimeS != null) {
            s = obsTimeS + warmUpS;
        }
        BigDecimal profileSeconds = profile.seconds();
        if (profileSeconds != null) {
            s = Math.min(s, profileSeconds.doubleValue());
        }
        if (numRequests != null && profile.meanRate() > 0) {
            s = Math.min(s, numRequests / profile.meanRate());
        }
        return s;
    }

    /** Threads to start with: Little's law for a 100 ms response, plus two spare; the timer grows the pool. */
    public int initialThreads() {
        return (int) Math.min(maxThreads < 1 ? Integer.MAX_VALUE : maxThreads, Math.ceil(profile.peakRate() * 0.1) + 2);
    }

    /** Collects a wave's settings; {@link #build()} checks them all and names the first problem. */
    public static final class Builder {
        private WaveTarget target;
        private SimulatorOptions simulator;
        private String loadProfile;
        private double clientRps = 10;
        private String arrivals = "uniform";
        private String seed = "42";
        private Double obsTime;
        private Long numRequests;
        private int maxThreads = 0;
        private String latePolicy = "fire";
        private double grace = 30;
        private double successThreshold = 0.95;
        private Path resultsDir = Path.of(".tmp");
        private WaveEngine engine = new EmbeddedEngine();
        private boolean warmup = true;
        private final List<WaveSection> sections = new ArrayList<>();
        private final List<Threshold> thresholds = new ArrayList<>();
        private boolean allowClientBottleneck;
        private boolean quiet;
        private double progressIntervalS = 10;

        public Builder target(WaveTarget t) {
            target = t;
            return this;
        }

        /** Starts the simulator with these options ({@code --simulate=...} syntax); {@code null}: none. */
        public Builder simulate(String options) {
            if (options == null) {
                simulator = null;
                return this;
            }
            try {
                simulator = SimulatorOptions.parse(options).withHost("127.0.0.1").withPort(0);
            } catch (SimulatorOptionsException | IllegalArgumentException e) {
                throw new BadInputException("--simulate: " + e.getMessage());
            }
            return this;
        }

        public Builder clientRps(double rps) {
            clientRps = rps;
            return this;
        }

        public Builder loadProfile(String profile) {
            loadProfile = profile;
            return this;
        }

        public Builder arrivals(String a, String s) {
            arrivals = a;
            seed = s;
            return this;
        }

        public Builder obsTime(Double seconds) {
            obsTime = seconds;
            return this;
        }

        public Builder numRequests(Long n) {
            numRequests = n;
            return this;
        }

        public Builder maxThreads(int n) {
            maxThreads = n;
            return this;
        }

        public Builder latePolicy(String p) {
            latePolicy = p;
            return this;
        }

        public Builder grace(double seconds) {
            grace = seconds;
            return this;
        }

        public Builder successThreshold(double t) {
            successThreshold = t;
            return this;
        }

        public Builder resultsDir(Path dir) {
            resultsDir = dir;
            return this;
        }

        public Builder engine(WaveEngine e) {
            engine = e;
            return this;
        }

        public Builder warmup(boolean w) {
            warmup = w;
            return this;
        }

        public Builder section(WaveSection s) {
            sections.add(s);
            return this;
        }

        /** A gate on the outcome: a wave that misses it fails (exit 1). */
        public Builder threshold(Threshold t) {
            thresholds.add(t);
            return this;
        }

        /** A wave the client did not deliver passes with a warning instead of being not valid (exit 3). */
        public Builder allowClientBottleneck(boolean allow) {
            allowClientBottleneck = allow;
            return this;
        }

        /** No live progress ({@code --quiet}); otherwise a line every {@code intervalS} off a terminal. */
        public Builder progress(boolean silent, double intervalS) {
            quiet = silent;
            progressIntervalS = intervalS;
            return this;
        }

        public WaveSpec build() {
            if (target == null) {
                throw new BadInputException("Nothing to send requests to: give --factories-file F, --url URL, or "
                        + "--simulate to start the built-in endpoint simulator.");
            }
            if (obsTime == null && numRequests == null && loadProfile == null) {
                throw new BadInputException("The wave has no end: give --obs-time S, --num-requests N, or both "
                        + "(whichever comes first ends it).");
            }
            if (obsTime != null && !(obsTime > 0 && obsTime <= MAX_SECONDS)) {
                throw new BadInputException("--obs-time must be more than 0 and at most " + (long) MAX_SECONDS
                        + " seconds (30 days), got " + obsTime + ".");
            }
            if (numRequests != null && numRequests < 1) {
                throw new BadInputException("--num-requests must be at least 1, got " + numRequests + ".");
            }
            if (!(clientRps > 0) || Double.isInfinite(clientRps)) {
                throw new BadInputException("--client-rps must be more than 0 requests per second, got " + clientRps + ".");
            }
            if (!(successThreshold >= 0 && successThreshold <= 1)) {
                throw new BadInputException("--success-threshold is a fraction between 0 and 1 (e.g. 0.95), got "
                        + successThreshold + ".");
            }
            if (!(progressIntervalS >= 1 && progressIntervalS <= 3600)) {
                throw new BadInputException("--progress-interval must be from 1 to 3600 seconds, got " + progressIntervalS + ".");
            }
            if (maxThreads < 0) {
                throw new BadInputException("--max-threads must be 0 (automatic) or at least 1, got " + maxThreads + ".");
            }
            if (!(grace >= 0 && grace <= MAX_GRACE_SECONDS)) {
                throw new BadInputException(grace < 0 || Double.isNaN(grace)
                        ? "--grace must be 0 seconds or more, got " + grace + "."
                        : "--grace must be at most " + (long) MAX_GRACE_SECONDS + " seconds (24 h), got " + grace + ".");
            }
            LoadProfile profile;
            long parsedSeed;
            try {
                profile = loadProfile != null ? LoadProfile.parse(loadProfile) : LoadProfile.constant(clientRps);
                ArrivalSchedule.Arrivals.parse(arrivals);
                LatePolicy.parse(latePolicy);
                timer(clientRps, loadProfile, arrivals, 0, obsTime, numRequests, latePolicy, maxThreads).validate();
                try {
                    parsedSeed = Long.parseLong(seed.trim());
                } catch (NumberFormatException e) {
                    throw new BadInputException("--seed '" + seed + "' is not a whole number: give e.g. 42.");
                }
            } catch (LoadProfileException e) {
                String m = WaveOptions.inFlags(e.getMessage());
                throw new BadInputException(loadProfile != null && m.startsWith("In the load profile")
                        ? "--load-profile: " + m : m);
            }
            BigDecimal profileSeconds = profile.seconds();
            if (profileSeconds != null && profileSeconds.doubleValue() > MAX_SECONDS) {
                throw new BadInputException("--load-profile lasts " + profileSeconds.toPlainString()
                        + " s, longer than the 30 days a wave may last: shorten its clauses.");
            }
            RunDirectory.checkWritable(resultsDir);
            engine.check(numRequests);
            return new WaveSpec(target, simulator, profile, loadProfile, clientRps, arrivals, parsedSeed, obsTime,
                    numRequests, maxThreads, latePolicy, grace, successThreshold, resultsDir, engine, warmup, sections,
                    thresholds, allowClientBottleneck, quiet, progressIntervalS, "benchmark", 0);
        }
    }
}
