package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.protocol.http.sampler.HTTPSamplerProxy;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestPlan;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jorphan.collections.HashTree;
import org.apache.jorphan.collections.ListedHashTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.pacing.Pacer;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.EmbeddedJMeterHome;
import io.inferencebench.wave.SampleFields;

/**
 * Two runs of one plan in one JVM, as the GUI (and a remote engine) runs them: a quick check against a fast
 * endpoint, then the same plan against a slow one. The second run's pool is bounded by the first run's service
 * time until its first answer, which keeps a warm GUI's pool from running away; but a server slower than the
 * earlier one must not be held to the earlier run's threads until it answers: the bound ends after the run's
 * first second.
 */
class WarmJvmSlowerEndpointTest {
    /** Each sample's intended start and lateness, ms. Static: JMeter clones the listener per thread. */
    private static final Queue<double[]> STARTS = new ConcurrentLinkedQueue<>();

    /** Keeps the timer's intended start and lateness of every sample. */
    public static final class Starts extends AbstractTestElement implements SampleListener {
        private static final long serialVersionUID = 1L;

        @Override
        public void sampleOccurred(SampleEvent e) {
            JMeterVariables vars = JMeterContextService.getContext().getVariables();
            STARTS.add(new double[] {Double.parseDouble(vars.get(SampleFields.INTENDED_START_MS)),
                    Double.parseDouble(vars.get(SampleFields.LATENESS_MS))});
        }

        @Override
        public void sampleStarted(SampleEvent e) {
        }

        @Override
        public void sampleStopped(SampleEvent e) {
        }
    }

    @AfterEach
    void forget() {
        Pacer.release();
    }

    @Test
    void aWarmJvmsNextRunAgainstASlowerEndpointStartsOnTimeAfterItsFirstSecond() throws Exception {
        EmbeddedJMeterHome.initialise();
        Pacer.release(); // nothing from this JVM's earlier tests: the first run below is the "earlier" one
        try (EndpointSimulator fast = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0));
             EndpointSimulator slow = EndpointSimulator.start(SimulatorOptions.parse("latency=2s").withPort(0))) {
            run(fast, 1);
            STARTS.clear();
            run(slow, 3);

            List<double[]> starts = new ArrayList<>(STARTS);
            starts.sort(Comparator.comparingDouble(s -> s[0]));
            assertThat(starts).as("starts inside the window").hasSize(300);
            double origin = starts.get(0)[0];
            // the starts of the first second wait for the bound to lift, then the pool grows by at most two threads
            // more than the due starts per look, so the backlog clears by about 2.2 s (measured: 0.83 s late at
            // most, 3.4 ms after 2.25 s). Bounded until the first answer, 55 starts came after the window and
            // were dropped, and the rest came up to 1.9 s late.
            double maxLate = starts.stream().mapToDouble(s -> s[1]).max().orElseThrow();
            double lateAfter = starts.stream().filter(s -> s[0] - origin >= 2_500).mapToDouble(s -> s[1]).max().orElseThrow();
            assertThat(maxLate).as("the latest start, ms").isLessThan(1_400);
            assertThat(lateAfter).as("the latest start due after 2.5 s, ms").isLessThan(150);
            assertThat(slow.requestCount()).isEqualTo(300);
        }
    }

    /** 100/s for {@code seconds} against {@code sim}, in a new engine, from a thread group named as the GUI's. */
    private static void run(EndpointSimulator sim, int seconds) {
        HashTree tree = new ListedHashTree();
        HashTree planTree = tree.add(new TestPlan("a plan run twice"));
        ThreadGroup group = LoopingThreadGroup.of("Thread Group", 3);
        HashTree groupTree = planTree.add(group);

        HTTPSamplerProxy http = PlanBuilder.postSampler(URI.create(sim.baseUrl() + "/invocations"), "{}");
        ConstantRpsTimer timer = new ConstantRpsTimer();
        timer.setName("Constant RPS Timer");
        timer.setTargetRps("100");
        timer.setArrivals("uniform");
        timer.setDurationSeconds(Integer.toString(seconds));
        timer.setLatePolicy("fire");
        timer.setMaxThreads(0); // the automatic cap, as the GUI's template has it
        groupTree.add(http).add(List.of(timer));
        groupTree.add(new Starts());

        StandardJMeterEngine engine = new StandardJMeterEngine();
        engine.configure(tree);
        engine.run(); // returns once the test has ended
    }
}
