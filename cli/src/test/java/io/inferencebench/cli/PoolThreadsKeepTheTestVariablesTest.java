package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.jmeter.config.Arguments;
import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.protocol.http.sampler.HTTPSamplerProxy;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestPlan;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jorphan.collections.HashTree;
import org.apache.jorphan.collections.ListedHashTree;
import org.junit.jupiter.api.Test;

import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.EmbeddedJMeterHome;

/**
 * A user's plan in a real JMeter engine: the URL comes from the Test Plan's variables and a User Defined
 * Variables element, as plans commonly say {@code ${host}}. The threads the Constant RPS Timer's pool adds
 * must see them as JMeter's own threads do (they used to start with empty variables: 38% of a 2,000/s
 * plan's requests went to {@code http://${host}:...} and failed).
 */
class PoolThreadsKeepTheTestVariablesTest {
    /** What each sample saw: thread, URL, success. Static: JMeter clones the listener per thread. */
    private static final Queue<SampleResult> SEEN = new ConcurrentLinkedQueue<>();

    /** Keeps every sample of the test. */
    public static final class Seen extends AbstractTestElement implements SampleListener {
        private static final long serialVersionUID = 1L;

        @Override
        public void sampleOccurred(SampleEvent e) {
            SEEN.add(e.getResult());
        }

        @Override
        public void sampleStarted(SampleEvent e) {
        }

        @Override
        public void sampleStopped(SampleEvent e) {
        }
    }

    @Test
    void everyThreadThePoolAddsSeesTheTestPlansAndTheUserDefinedVariables() throws Exception {
        EmbeddedJMeterHome.initialise();
        SEEN.clear();
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=300ms").withPort(0))) {
            URI base = URI.create(sim.baseUrl());
            HashTree tree = new ListedHashTree();
            TestPlan plan = new TestPlan("a user's plan");
            Arguments planVariables = new Arguments();
            planVariables.addArgument("host", base.getHost());
            planVariables.addArgument("port", Integer.toString(base.getPort()));
            plan.setUserDefinedVariables(planVariables);
            HashTree planTree = tree.add(plan);
            Arguments userDefined = new Arguments(); // the User Defined Variables element
            userDefined.setName("User Defined Variables");
            userDefined.addArgument("route", "/invocations");
            planTree.add(userDefined);

            ThreadGroup group = LoopingThreadGroup.of("Thread Group", 3);
            HashTree groupTree = planTree.add(group);

            HTTPSamplerProxy http = PlanBuilder.postSampler(URI.create("http://placeholder/"), "{}");
            http.setPath("http://${host}:${port}${route}");
            ConstantRpsTimer timer = new ConstantRpsTimer();
            timer.setName("Constant RPS Timer");
            timer.setTargetRps("100");
            timer.setArrivals("uniform");
            timer.setDurationSeconds("2");
            timer.setLatePolicy("fire");
            timer.setMaxThreads(200);
            groupTree.add(http).add(List.of(timer));
            groupTree.add(new Seen());

            StandardJMeterEngine engine = new StandardJMeterEngine();
            engine.configure(tree);
            engine.run(); // returns once the test has ended

            // 100/s of 300 ms answers: about 30 in flight, so the pool grew well past the 3 threads JMeter started
            // (and the 9 it starts with for 100/s)
            assertThat(SEEN).hasSize(200);
            assertThat(SEEN.stream().map(SampleResult::getThreadName).distinct().count()).isGreaterThan(20);
            assertThat(SEEN).allSatisfy(r -> {
                assertThat(r.getUrlAsString()).isEqualTo(sim.baseUrl() + "/invocations");
                assertThat(r.isSuccessful()).as(r.getThreadName() + ": " + r.getResponseMessage()).isTrue();
            });
            assertThat(sim.requestCount()).isEqualTo(200);
        }
    }
}
