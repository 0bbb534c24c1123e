package io.inferencebench.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.util.JMeterUtils;

import io.inferencebench.outcome.WaveSetup;
import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.pacing.Pacer;
import io.inferencebench.pacing.PacingReport;
import io.inferencebench.wave.WaveStatistics;

/** Runs the wave on JMeter's {@link StandardJMeterEngine} in this JVM, as {@code jmeter -n} would. */
public final class EmbeddedEngine implements WaveEngine {

    @Override
    public WaveSetup.Engine describe() {
        return WaveSetup.Engine.EMBEDDED;
    }

    @Override
    public void prepare(Path runDirectory) {
        JMeterLog.to(runDirectory);
        JMeterHome.initialise();
    }

    @Override
    public void warmUp(WavePlan plan, Console console) throws InterruptedException {
        if (!plan.warmup()) {
            return;
        }
        try {
            Warmup.run(plan.peakRate(), plan.warmUpSampler());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            console.println("Warm-up skipped (" + e.getMessage() + ")");
        }
    }

    @Override
    public WaveRun run(WavePlan plan, Console console, Interrupts interrupts, Progress progress)
            throws InterruptedException {
        try (RunProperties ignored = RunProperties.set(plan.properties(), Map.of(ConstantRpsTimer.ENGINES_PROPERTY, "1"))) {
            StandardJMeterEngine engine = new StandardJMeterEngine();
            engine.configure(plan.plan().tree());
            Thread runner = new Thread(engine::run, "ib-wave");
            long deadline = plan.deadlineNanos(System.nanoTime());
            runner.start();
            int handled = 0;
            while (runner.isAlive()) {
                long now = System.nanoTime();
                // the listener starts fresh statistics when the test starts: read them each time
                WaveStatistics statistics = plan.plan().summary().statistics();
                if (interrupts.count() > handled) {
                    handled = interrupts.count();
                    if (handled == 1) {
                        // the first signal: no new start; what is in flight may finish within the grace period
                        Pacer.stopStarts();
                        console.println("stopping: " + Math.max(0, Pacer.started() - statistics.completed())
                                + " in flight, Ctrl-C again to cut them off");
                        deadline = Math.min(deadline, now + (long) (plan.graceS() * 1e9));
                    } else {
                        cutOff(engine, runner, statistics, "interrupted");
                        break;
                    }
                }
                if (deadline - now <= 0) {
                    console.println(String.format(Locale.ROOT,
                            "Grace period of %.0f s over: stopping requests still in flight (they count as failed).",
                            plan.graceS()));
                    cutOff(engine, runner, statistics, "cut off after the grace period");
                    break;
                }
                progress.update(statistics, Pacer.started(), handled > 0);
                interrupts.awaitBeyond(handled, Math.max(1, Math.min((deadline - now) / 1_000_000L, 100)));
            }
            runner.join(30_000);
            progress.end();
            PacingReport pacing = Pacer.report();
            Pacer.release();
            return new WaveRun(plan.plan().summary().statistics(), pacing);
        }
    }

    /** Ends the requests still in flight: they fail with {@code cause}, and the engine stops. */
    private static void cutOff(StandardJMeterEngine engine, Thread runner, WaveStatistics statistics, String cause)
            throws InterruptedException {
        statistics.cutOff(cause);
        engine.stopTest(true);
        runner.join(30_000);
    }

    /**
     * JMeter properties set for one run and put back as they were after it: JMeter keeps them in one
     * static table, and a second wave in this JVM must not read the first one's URL or secrets.
     */
    static final class RunProperties implements AutoCloseable {
        private final Map<String, String> previous = new HashMap<>();

        static RunProperties set(Map<String, String> properties, Map<String, String> more) {
            RunProperties r = new RunProperties();
            r.put(properties);
            r.put(more);
            return r;
        }

        private void put(Map<String, String> values) {
            Properties jmeter = JMeterUtils.getJMeterProperties();
            values.forEach((k, v) -> {
                previous.putIfAbsent(k, jmeter.getProperty(k));
                jmeter.setProperty(k, v);
            });
        }

        @Override
        public void close() {
            Properties jmeter = JMeterUtils.getJMeterProperties();
            previous.forEach((k, v) -> {
                if (v == null) {
                    jmeter.remove(k);
                } else {
                    jmeter.setProperty(k, v);
                }
            });
        }
    }
}
