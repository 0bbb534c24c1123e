package io.inferencebench.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.jmeter.control.LoopController;
import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.engine.util.NoThreadClone;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.TestPlan;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jorphan.collections.HashTree;
import org.apache.jorphan.collections.ListedHashTree;

/** A real JMeter engine in the test JVM, running one thread group around a sampler (the samplers' tests). */
public final class EmbeddedJMeter {

    /** A sample as a listener received it, with the per-sample variables it carried. */
    public record Sample(SampleResult result, Map<String, String> fields) {
    }

    private EmbeddedJMeter() {
    }

    /** Runs {@code threads} threads, each sampling {@code loops} times, and returns every sample. */
    public static List<Sample> run(TestElement sampler, int threads, int loops) {
        EmbeddedJMeterHome.initialise();
        Collector collector = new Collector();
        LoopController loop = new LoopController();
        loop.setLoops(loops);
        loop.setFirst(true);
        loop.initialize();
        ThreadGroup group = new ThreadGroup();
        group.setName("wave");
        group.setNumThreads(threads);
        group.setRampUp(0);
        group.setSamplerController(loop);

        ListedHashTree tree = new ListedHashTree();
        HashTree plan = tree.add(new TestPlan("plan"));
        HashTree groupTree = plan.add(group);
        groupTree.add(sampler);
        groupTree.add(collector);

        StandardJMeterEngine engine = new StandardJMeterEngine();
        engine.configure(tree);
        engine.run();
        return new ArrayList<>(collector.samples);
    }

    /** One instance for all threads (NoThreadClone), as JMeter's own result collectors are. */
    public static final class Collector extends AbstractTestElement implements SampleListener, NoThreadClone {
        private static final long serialVersionUID = 1L;
        final transient List<Sample> samples = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void sampleOccurred(SampleEvent event) {
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < SampleEvent.getVarCount(); i++) {
                fields.put(SampleEvent.getVarName(i), event.getVarValue(i));
            }
            samples.add(new Sample(event.getResult(), fields));
        }

        @Override
        public void sampleStarted(SampleEvent event) {
        }

        @Override
        public void sampleStopped(SampleEvent event) {
        }
    }
}
