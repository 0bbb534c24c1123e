package io.inferencebench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.apache.jmeter.JMeter;
import org.apache.jmeter.engine.ClientJMeterEngine;
import org.apache.jmeter.engine.DistributedRunner;
import org.apache.jmeter.engine.JMeterEngine;
import org.apache.jmeter.engine.JMeterEngineException;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.threads.RemoteThreadsListenerTestElement;
import org.apache.jmeter.util.JMeterUtils;
import org.apache.jorphan.collections.HashTree;

import io.inferencebench.outcome.LostEngines;
import io.inferencebench.outcome.WaveSetup;
import io.inferencebench.pacing.ConstantRpsTimer;

/**
 * The JMeter remote engines ({@code jmeter-server}) a wave runs on when one machine cannot send the rate.
 * They are driven through JMeter's own client exactly as {@code jmeter -n -t plan.jmx -R h1,h2} drives them:
 * the same tree conversion (Remoteable listeners stay here and receive every engine's samples), the same
 * global properties ({@code -G}), and the wait for every engine to report its end. Each engine runs the
 * whole plan; the global property {@code ib.engines} makes each take 1/N of the rate.
 */
final class RemoteEngines implements WaveEngine {
    private static final long STOP_WAIT_NANOS = 30_000_000_000L;
    /** How often the controller checks that every engine still running still answers. */
    private static final long LIVENESS_NANOS = 1_000_000_000L;

    private final List<EngineAddress> addresses;
    /** Engines lost during the current wave. */
    private final List<LostEngines.Lost> lost = new java.util.concurrent.CopyOnWriteArrayList<>();

    private RemoteEngines(List<EngineAddress> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    /** Parses {@code host[:port],host[:port]} (IPv6 as {@code [::1]:1099}); the port defaults to JMeter's 1099. */
    static RemoteEngines parse(String hosts) {
        return new RemoteEngines(EngineAddress.parseAll(hosts));
    }

    int count() {
        return addresses.size();
    }

    @Override
    public WaveSetup.Engine describe() {
        return WaveSetup.Engine.remote(names());
    }

    /** Each engine sends the same share, so the request count must split evenly. */
    @Override
    public void check(Long numRequests) {
        int n = count();
        if (numRequests != null && numRequests % n != 0) {
            throw new BadInputException("--num-requests " + numRequests + " does not split evenly over " + n
                    + " remote engines: give a multiple of " + n + " (e.g. " + Math.max(n, numRequests / n * n)
                    + " or " + (numRequests / n + 1) * n + ").");
        }
    }

    @Override
    public void prepare(java.nio.file.Path runDirectory) {
        JMeterLog.to(runDirectory);
        JMeterHome.initialise();
    }

    /** Runs the plan on every engine; the samples and the summary land in this JVM's listeners. */
    @Override
    public WaveRun run(WavePlan plan, Console console, Interrupts interrupts, Progress progress) {
        // the controller resolves the listeners' ${__P(...)} fields itself, so it needs the properties too
        try (EmbeddedEngine.RunProperties ignored = EmbeddedEngine.RunProperties.set(plan.properties(), java.util.Map.of())) {
            lost.clear();
            run(plan.plan().tree(), new ArrayList<>(plan.properties().keySet()), plan.scheduleSeconds(), plan.graceS(),
                    console, new Watch(interrupts, progress, plan.plan().summary()::statistics));
        }
        progress.end();
        return new WaveRun(plan.plan().summary().statistics(), null,
                lost.isEmpty() ? null : new LostEngines(lost, count()));
    }

    /** What the controller watches while the engines run: signals and progress. */
    record Watch(Interrupts interrupts, Progress progress,
                 java.util.function.Supplier<io.inferencebench.wave.WaveStatistics> liveStatistics) {
        /** The statistics of the running test (the listener starts fresh ones when it starts). */
        io.inferencebench.wave.WaveStatistics statistics() {
            return liveStatistics.get();
        }
    }

    List<String> names() {
        return addresses.stream().map(EngineAddress::text).toList();
    }

    @Override
    public String toString() {
        return String.join(", ", names());
    }

    /**
     * Makes sure every engine answers before anything is written; throws a {@link BadInputException}
     * naming those that do not, and why.
     */
    @Override
    public void reach() {
        EngineReach.check(addresses);
    }

    /**
     * Runs the plan on every engine and returns once each has reported its end (the Remoteable
     * listeners have then received every sample and acted), or once they have been stopped because
     * the wave ran {@code grace} seconds past its {@code seconds}.
     *
     * @param sent names of the JMeter properties the plan reads, sent to the engines as global properties
     */
    void run(HashTree plan, List<String> sent, double seconds, double grace, Console console, Watch watch) {
        EngineReach.configureController();
        Properties global = new Properties();
        for (String name : sent) {
            String value = JMeterUtils.getProperty(name);
            if (value != null) {
                global.setProperty(name, value);
            }
        }
        global.setProperty(ConstantRpsTimer.ENGINES_PROPERTY, Integer.toString(count()));
        // the controller's listeners read the per-sample fields by these names, in the engines' order
        SampleEvent.initSampleVariables();

        // what JMeter's non-GUI client does with the tree before handing it to DistributedRunner
        HashTree tree = JMeter.convertSubTree(plan, true);
        Object testPlan = tree.getArray()[0];
        tree.add(testPlan, new RemoteThreadsListenerTestElement());
        // the controller's own listeners that engines call back: told of a lost engine's end in its place
        org.apache.jorphan.collections.SearchByClass<org.apache.jmeter.testelement.TestStateListener> found =
                new org.apache.jorphan.collections.SearchByClass<>(org.apache.jmeter.testelement.TestStateListener.class);
        tree.traverse(found);
        EngineEnds ends = new EngineEnds(found.getSearchResults().stream()
                .filter(l -> l instanceof org.apache.jmeter.samplers.Remoteable).toList());
        tree.add(testPlan, ends);

        DistributedRunner runner = new DistributedRunner(global);
        try {
            runner.init(names(), tree);
        } catch (RuntimeException e) {
            throw new BadInputException("Could not send the plan to the JMeter remote engines (" + EngineReach.reason(e)
                    + "): check that every engine runs jmeter-server with the InferenceBench jars in lib/ext.");
        }
        if (runner.getEngines().size() < count()) {
            // client.continue_on_fail=true let JMeter go on without some: their share of the rate would be missing
            throw new BadInputException("Only " + runner.getEngines().size() + " of the " + count()
                    + " JMeter remote engines took the plan: start the others, or leave them out of --remote.");
        }

        // DistributedRunner.start's calls, one engine after the other, but an engine that fails to start
        // stops the wave: without its share the total rate would fall short of the target
        List<ClientJMeterEngine> started = new ArrayList<>();
        // an interrupted command (Ctrl-C) must not leave the engines sending load to the endpoint
        Thread stopOnExit = new Thread(() -> stopAll(started), "ib-stop-remote-engines");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            runStarted(runner, started, ends, seconds, grace, console, watch);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException exiting) {
                // the hook is already running
            }
        }
    }

    private static void stopAll(List<ClientJMeterEngine> engines) {
        stopAll(engines, true);
    }

    /** Stops the engines: {@code now} interrupts what is in flight, otherwise they finish it and start nothing new. */
    private static synchronized void stopAll(List<ClientJMeterEngine> engines, boolean now) {
        for (ClientJMeterEngine e : engines) {
            e.stopTest(now);
        }
    }

    /**
     * An engine that no longer answers on its port will never report its end: name it, keep what it sent, and
     * let the wave end with the others instead of waiting for the grace period.
     */
    private void checkLiveness(EngineEnds ends, Console console) {
        for (String host : ends.runningHosts()) {
            EngineAddress address = addresses.stream().filter(a -> a.text().equals(host)).findFirst().orElse(null);
            String why = address == null ? null : EngineReach.silence(address);
            if (why != null) {
                long at = System.currentTimeMillis();
                lost.add(new LostEngines.Lost(host, at, why));
                for (String problem : ends.lost(host)) {
                    console.println("(" + problem + ")");
                }
                console.println(String.format(Locale.ROOT, "Remote engine lost: %s at %tT (%s); the samples it sent "
                        + "are kept, its share of the rate from now on is missing: a partial run.", host, at, why));
            }
        }
    }

    private void runStarted(DistributedRunner runner, List<ClientJMeterEngine> started, EngineEnds ends,
                            double seconds, double grace, Console console, Watch watch) {
        for (JMeterEngine engine : runner.getEngines()) {
            ClientJMeterEngine client = (ClientJMeterEngine) engine;
            try {
                ends.expect(client.getHost());
                client.runTest();
                synchronized (RemoteEngines.class) {
                    started.add(client);
                }
            } catch (JMeterEngineException | IllegalStateException e) {
                ends.forget(client.getHost());
                stopAll(started);
                ends.await(System.nanoTime() + STOP_WAIT_NANOS);
                throw new BadInputException("The JMeter remote engine " + client.getHost() + " did not start the wave ("
                        + EngineReach.reason(e) + "): check it runs JMeter " + JMeterHome.VERSION + " with the InferenceBench jars "
                        + "in lib/ext and no other test.");
            }
        }
        console.println("Remote engines started: " + this + " (each sends 1/" + count() + " of the rate)");

        long deadline = System.nanoTime() + (long) ((seconds + grace) * 1e9) + 2_000_000_000L;
        int handled = 0;
        boolean ended = false;
        long nextLiveness = System.nanoTime() + LIVENESS_NANOS;
        while (!ended) {
            long now = System.nanoTime();
            if (now >= nextLiveness) {
                nextLiveness = now + LIVENESS_NANOS;
                checkLiveness(ends, console);
            }
            if (watch.interrupts().count() > handled) {
                handled = watch.interrupts().count();
                if (handled == 1) {
                    console.println("stopping: the remote engines start nothing new and finish what is in flight, "
                            + "Ctrl-C again to cut them off");
                    stopAll(started, false);
                    deadline = Math.min(deadline, now + (long) (grace * 1e9));
                } else {
                    watch.statistics().cutOff("interrupted");
                    break;
                }
            }
            if (now >= deadline) {
                console.println(String.format(Locale.ROOT,
                        "Grace period of %.0f s over: stopping requests still in flight on the remote engines "
                                + "(they count as failed).", grace));
                watch.statistics().cutOff("cut off after the grace period");
                break;
            }
            watch.progress().update(watch.statistics(), -1, handled > 0);
            ended = ends.await(Math.min(deadline, now + 200_000_000L));
        }
        if (!ended) {
            stopAll(started);
            if (!ends.await(System.nanoTime() + STOP_WAIT_NANOS)) {
                console.println("Remote engines that did not report their end (their last samples are missing): "
                        + ends.missing());
            }
        }
    }
}
