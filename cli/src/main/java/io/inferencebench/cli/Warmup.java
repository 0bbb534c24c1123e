package io.inferencebench.cli;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.engine.util.NoThreadClone;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestElement;

import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * A one-second wave against a private in-process endpoint before the real one, so JIT compilation and
 * class loading of the engine, the timer and the wave's own sampler happen before the first measured start
 * and not during it (on a 2-core client they otherwise delay the first second's starts by 100+ ms): an
 * HTTP POST, or the wave's own request where its target has one of its own (an LLM wave's streaming
 * sampler, its reader and token statistics). The user's endpoint never sees it.
 */
final class Warmup {
    private Warmup() {
    }

    /** What the warm-up sent: the requests that completed, and those of them that failed. */
    record Result(long completed, long failed) {
    }

    /**
     * @param samplerFor the wave's own request for the private simulator's base URL; it returns {@code null} for an
     *                   HTTP POST ({@link WaveTarget.Open#warmUpSampler})
     */
    static Result run(double rate, Function<String, TestElement> samplerFor) throws Exception {
        Count count = new Count();
        // streams of 1 ms tokens: an LLM wave's sampler reads a whole stream per request, many per second
        try (EndpointSimulator local = EndpointSimulator.start(
                SimulatorOptions.parse("latency=1ms,ttft=1ms,itl=1ms").withPort(0))) {
            ConstantRpsTimer timer = new ConstantRpsTimer();
            timer.setTargetRps(Double.toString(Math.max(20, Math.min(rate, 500))));
            timer.setDurationSeconds("1");
            timer.setMaxThreads(1000); // its own cap: never the "raise the thread cap" line of a real wave
            PlanBuilder plan = new PlanBuilder("warm-up", 4, timer, null, null, 0);
            TestElement own = samplerFor.apply(local.baseUrl());
            if (own != null) {
                plan.sampler(own);
            } else {
                plan.httpPost(URI.create(local.baseUrl() + "/invocations"), "{}", List.of(), HttpTarget.DEFAULT_TIMEOUT);
            }
            plan.listener(count);
            StandardJMeterEngine engine = new StandardJMeterEngine();
            engine.configure(plan.tree());
            Thread t = new Thread(engine::run, "ib-warmup");
            t.start();
            t.join(15_000);
            if (t.isAlive()) {
                engine.stopTest(true);
                t.join(5_000);
            }
        } finally {
            // its 1 ms answers say nothing of the real endpoint's: the wave's pool must not be sized by them
            io.inferencebench.pacing.Pacer.forgetServiceTimes();
        }
        return new Result(count.completed.sum(), count.failed.sum());
    }

    /** Counts the warm-up's samples: one instance for every thread. */
    private static final class Count extends AbstractTestElement implements SampleListener, NoThreadClone {
        private static final long serialVersionUID = 1L;
        private final transient LongAdder completed = new LongAdder();
        private final transient LongAdder failed = new LongAdder();

        @Override
        public void sampleOccurred(SampleEvent e) {
            completed.increment();
            if (!e.getResult().isSuccessful()) {
                failed.increment();
            }
        }

        @Override
        public void sampleStarted(SampleEvent e) {
        }

        @Override
        public void sampleStopped(SampleEvent e) {
        }
    }
}
