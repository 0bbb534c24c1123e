package io.inferencebench.cli;

import org.apache.jmeter.control.LoopController;
import org.apache.jmeter.threads.AbstractThreadGroup;
import org.apache.jmeter.threads.ThreadGroup;

/** The stock Thread Group a user's plan has under the Constant RPS Timer: looping forever, no ramp-up, errors go on. */
final class LoopingThreadGroup {
    private LoopingThreadGroup() {
    }

    static ThreadGroup of(String name, int threads) {
        LoopController loop = new LoopController();
        loop.setLoops(LoopController.INFINITE_LOOP_COUNT);
        loop.setContinueForever(true);
        loop.setFirst(true);
        ThreadGroup group = new ThreadGroup();
        group.setName(name);
        group.setNumThreads(threads);
        group.setRampUp(0);
        group.setSamplerController(loop);
        group.setProperty(AbstractThreadGroup.ON_SAMPLE_ERROR, AbstractThreadGroup.ON_SAMPLE_ERROR_CONTINUE);
        return group;
    }
}
