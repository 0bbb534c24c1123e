package io.inferencebench.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * The Gatling row of the pacing benchmark: Gatling's open model, {@code constantUsersPerSec(rate).during(seconds)},
 * each virtual user one POST of the JMeter rows' body to the simulator. Run by {@link GatlingRun}'s child JVM,
 * which passes the load in system properties (Gatling builds the simulation itself, with no arguments).
 *
 * <p>Gatling does not say when a user was meant to start, so the starts are recorded as the JMeter rows'
 * are: a hook right before the request and one right after it, storing {@link System#nanoTime()} into arrays
 * allocated before the run; the index travels in the user's session.
 */
public class GatlingPacingSimulation extends Simulation {
    static final String URL = "ib.gatling.url";
    static final String RATE = "ib.gatling.rate";
    static final String SECONDS = "ib.gatling.seconds";
    static final String CAPACITY = "ib.gatling.capacity";
    private static final String INDEX = "ib";

    static long[] starts;
    static long[] ends;
    static final AtomicInteger NEXT = new AtomicInteger();
    static final LongAdder OK = new LongAdder();
    /** Process CPU and JIT CPU at {@link #before()}, and their growth by {@link #after()}. */
    static long cpuAtStart;
    static long jitAtStart;
    static long cpu;
    static long jit;

    public GatlingPacingSimulation() {
        URI url = URI.create(System.getProperty(URL));
        double rate = Double.parseDouble(System.getProperty(RATE));
        int seconds = Integer.parseInt(System.getProperty(SECONDS));
        int capacity = Integer.parseInt(System.getProperty(CAPACITY));
        starts = new long[capacity];
        ends = new long[capacity];

        HttpProtocolBuilder protocol = http.baseUrl(url.getScheme() + "://" + url.getAuthority())
                // one pool for every user, as JMeter's keep-alive threads reuse their connections; Gatling's
                // default is a pool per virtual user, i.e. a new connection per user in this scenario
                .shareConnections()
                // no request to https://gatling.io before the run
                .disableWarmUp();
        ScenarioBuilder pacing = scenario("pacing")
                .exec(session -> {
                    int i = NEXT.getAndIncrement();
                    if (i < starts.length) {
                        starts[i] = System.nanoTime();
                    }
                    return session.set(INDEX, i);
                })
                .exec(http("invocations").post(url.getRawPath())
                        .header("Content-Type", "application/json")
                        .body(StringBody(Mechanism.BODY)))
                .exec(session -> {
                    long now = System.nanoTime();
                    int i = session.getInt(INDEX);
                    if (i < ends.length) {
                        ends[i] = now;
                    }
                    if (!session.isFailed()) {
                        OK.increment();
                    }
                    return session;
                });
        setUp(pacing.injectOpen(constantUsersPerSec(rate).during(seconds))).protocols(protocol);
    }

    @Override
    public void before() {
        cpuAtStart = GatlingRun.processCpuNanos();
        jitAtStart = JitCpu.nanos();
    }

    @Override
    public void after() {
        long j = JitCpu.nanos() - jitAtStart;
        cpu = GatlingRun.processCpuNanos() - cpuAtStart - j;
        jit = j;
    }
}
