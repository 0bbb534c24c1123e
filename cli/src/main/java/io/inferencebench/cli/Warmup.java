package io.inferencebench.cli;

import java.net.URI;
import java.util.List;

import org.apache.jmeter.engine.StandardJMeterEngine;

import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * A one-second wave against a private in-process endpoint before the real one, so JIT compilation and
 * class loading of the engine, the timer and the HTTP client happen before the first measured start
 * and not during it (on a 2-core client they otherwise delay the first second's starts by 100+ ms).
 * The user's endpoint never sees it.
 */
final class Warmup {
    private Warmup() {
    }

    static void run(double rate) throws Exception {
        try (EndpointSimulator local = EndpointSimulator.start(SimulatorOptions.parse("latency=1ms").withPort(0))) {
            ConstantRpsTimer timer = new ConstantRpsTimer();
            timer.setTargetRps(Double.toString(Math.max(20, Math.min(rate, 500))));
            timer.setDurationSeconds("1");
            timer.setMaxThreads(1000); // its own cap: never the "raise the thread cap" line of a real wave
            PlanBuilder plan = new PlanBuilder("warm-up", 4, timer, null, null, 0);
            plan.httpPost(URI.create(local.baseUrl() + "/invocations"), "{}", List.of(), HttpTarget.DEFAULT_TIMEOUT);
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
    }
}
