package io.inferencebench.bench;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * The endpoint simulator as the benchmark runs it, in a process of its own: {@code LATENCY|OPTIONS [STALL]}.
 * Besides its address it prints when it started on the monotonic clock ({@code System.nanoTime()} is
 * CLOCK_MONOTONIC on Linux, one clock for every process), because a stall ({@code --stall AT:FOR}) is
 * timed from that start. It ends when its standard input closes, so it never outlives the benchmark.
 */
public final class SimulatorMain {
    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        // LATENCY, or the simulator's options in --simulate's form (latency=50ms,ttft=50ms,itl=2ms)
        SimulatorOptions options = (args[0].contains("=") ? SimulatorOptions.parse(args[0])
                : SimulatorOptions.defaults().withLatency(args[0])).withHost("127.0.0.1").withPort(0);
        // A first start loads and initialises everything a start needs, so the measured one below is
        // quick and the two clock readings around it pin the stall's origin to within a millisecond or so.
        EndpointSimulator.start(options).close();
        if (args.length > 1) {
            options = options.withStall(args[1]);
        }
        long before = System.nanoTime();
        EndpointSimulator simulator = EndpointSimulator.start(options);
        long after = System.nanoTime();
        // the stall's origin is taken inside start(), between these two readings, just before it returns
        System.out.println("Endpoint simulator listening on " + simulator.baseUrl() + " started-nanos " + before + " " + after);
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // wait for the benchmark to close our input
            }
        } finally {
            simulator.close();
        }
    }
}
