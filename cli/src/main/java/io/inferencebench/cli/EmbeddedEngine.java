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
            Warmup.run(plan.peakRate());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            console.println("Warm-up skipped (" + e.getMessage() + ")");
        }
    }

    @Override
    public WaveRun run(WavePlan plan, Console console) throws InterruptedException {
        try (RunProperties ignored = RunProperties.set(plan.properties(), Map.of(ConstantRpsTimer.ENGINES_PROPERTY, "1"))) {
            StandardJMeterEngine engine = new StandardJMeterEngine();
            engine.configure(plan.plan().tree());
            Thread runner = new Thread(engine::run, "ib-wave");
            long deadline = plan.deadlineNanos(System.nanoTime());
            runner.start();
            while (runner.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    console.println(String.format(Locale.ROOT,
                            "Grace period of %.0f s over: stopping requests still in flight (they count as failed).",
                            plan.graceS()));
                    engine.stopTest(true);
                    runner.join(30_000);
                    break;
                }
                runner.join(Math.max(1, Math.min(left / 1_000_000L, 200)));
            }
            PacingReport pacing = Pacer.report();
            Pacer.release();
            return new WaveRun(plan.plan().summary().statistics(), pacing);
        }
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
