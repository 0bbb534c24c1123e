package io.inferencebench.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulator counts, and its Prometheus text exposition (format 0.0.4). Counting uses
 * adders so the request path never contends on a lock.
 */
final class SimulatorMetrics {

    /** Upper bounds of the request duration histogram, seconds. */
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60};

    /** Upper bounds of the first-token delay histogram, seconds: from a millisecond to a second. */
    static final double[] DELAY_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1};

    /** Utilization is averaged over about this many one-second snapshots. */
    private static final int WINDOW_SECONDS = 5;

    private final LongAdder received = new LongAdder();
    private final Map<Integer, LongAdder> answered = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Histogram durations = new Histogram(BUCKETS);
    private final LongAdder tokens = new LongAdder();
    private final Histogram firstTokenDelays = new Histogram(DELAY_BUCKETS);
    private final LongAdder[] faults = new LongAdder[FaultMix.Fault.values().length];
    private final ServiceQueue queue;
    private final long startedNanos = System.nanoTime();
    /** Ring of (nanoTime, inServiceSeconds, busySeconds): the start, then one a second. */
    private final double[][] snapshots = new double[WINDOW_SECONDS + 1][];
    private int snapshotCount;

    SimulatorMetrics(ServiceQueue queue) {
        this.queue = queue;
        for (int i = 0; i < faults.length; i++) {
            faults[i] = new LongAdder();
        }
        snapshots[0] = new double[] {startedNanos, 0, 0};
        snapshotCount = 1;
    }

    void received() {
        received.increment();
        inFlight.incrementAndGet();
    }

    /** Call before the last byte goes out, so a client that has its answer sees it counted. */
    void answered(int status, long arrivalNanos) {
        answered.computeIfAbsent(status, s -> new LongAdder()).increment();
        inFlight.decrementAndGet();
        durations.observe((System.nanoTime() - arrivalNanos) / 1e9);
    }

    /**
     * Counts a fault. A slow answer is still answered (and counted then); the other faults end the
     * request without an answer, so it leaves the in-flight count here.
     */
    void faulted(FaultMix.Fault kind, long arrivalNanos) {
        faults[kind.ordinal()].increment();
        if (kind != FaultMix.Fault.SLOW) {
            inFlight.decrementAndGet();
        }
    }

    long faultCount(FaultMix.Fault kind) {
        return faults[kind.ordinal()].sum();
    }

    /**
     * How late the simulator itself wrote a stream's first chunk: from when it was due (service start + TTFT)
     * to the write. A client's TTFT includes it, so a benchmark can tell the simulator's share of a TTFT tail
     * (its timer threads, its collector, a machine whose CPU it shares) from the client's.
     */
    void firstTokenDelay(long nanos) {
        firstTokenDelays.observe(Math.max(0, nanos) / 1e9);
    }

    void tokensGenerated(int n) {
        tokens.add(n);
    }

    long receivedCount() {
        return received.sum();
    }

    long answeredCount(int status) {
        LongAdder a = answered.get(status);
        return a == null ? 0 : a.sum();
    }

    /** Called once a second by the simulator's scheduler. */
    synchronized void snapshot() {
        snapshots[snapshotCount % snapshots.length] =
                new double[] {System.nanoTime(), queue.inServiceSeconds(), queue.busySeconds()};
        snapshotCount++;
    }

    /**
     * Percent of capacity in use over the last few seconds: mean requests in service / capacity,
     * or, with unlimited capacity, the share of time with at least one request in service.
     */
    synchronized double utilizationPercent() {
        double now = System.nanoTime();
        double[] oldest = snapshots[snapshotCount < snapshots.length ? 0 : snapshotCount % snapshots.length];
        double seconds = (now - oldest[0]) / 1e9;
        if (seconds <= 0) {
            return 0;
        }
        double percent = queue.capacity() > 0
                ? (queue.inServiceSeconds() - oldest[1]) / seconds / queue.capacity() * 100
                : (queue.busySeconds() - oldest[2]) / seconds * 100;
        return Math.max(0, Math.min(100, percent));
    }

    String exposition() {
        StringBuilder b = new StringBuilder(2048);
        b.append("# HELP ib_sim_requests_received_total Requests received on the invocation and completion paths.\n")
                .append("# TYPE ib_sim_requests_received_total counter\n")
                .append("ib_sim_requests_received_total ").append(received.sum()).append('\n');
        b.append("# HELP ib_sim_requests_total Requests answered on the invocation and completion paths, by HTTP status.\n")
                .append("# TYPE ib_sim_requests_total counter\n");
        Map<Integer, LongAdder> byStatus = new TreeMap<>(answered);
        byStatus.putIfAbsent(200, new LongAdder());
        byStatus.forEach((status, count) -> b.append("ib_sim_requests_total{status=\"").append(status)
                .append("\"} ").append(count.sum()).append('\n'));
        b.append("# HELP ib_sim_faults_total Requests that met a --fault: reset, half (answer cut short), "
                        + "close (closed unanswered), slow (answered late).\n")
                .append("# TYPE ib_sim_faults_total counter\n");
        for (FaultMix.Fault kind : FaultMix.Fault.values()) {
            b.append("ib_sim_faults_total{kind=\"").append(kind.label()).append("\"} ").append(faults[kind.ordinal()].sum())
                    .append('\n');
        }
        b.append("# HELP ib_sim_requests_in_flight Requests received and not yet answered (queued or in service).\n")
                .append("# TYPE ib_sim_requests_in_flight gauge\n")
                .append("ib_sim_requests_in_flight ").append(inFlight.get()).append('\n');
        b.append("# HELP ib_sim_requests_in_service Requests holding a service slot.\n")
                .append("# TYPE ib_sim_requests_in_service gauge\n")
                .append("ib_sim_requests_in_service ").append(queue.inService()).append('\n');
        b.append("# HELP ib_sim_requests_queued Requests waiting for a service slot.\n")
                .append("# TYPE ib_sim_requests_queued gauge\n")
                .append("ib_sim_requests_queued ").append(queue.waiting()).append('\n');
        b.append("# HELP ib_sim_capacity Service slots (requests served at once); 0 means unlimited.\n")
                .append("# TYPE ib_sim_capacity gauge\n")
                .append("ib_sim_capacity ").append(queue.capacity()).append('\n');
        b.append("# HELP ib_sim_utilization_percent Mean share of capacity in use over the last ~5 s "
                        + "(unlimited capacity: share of time with a request in service), 0 to 100.\n")
                .append("# TYPE ib_sim_utilization_percent gauge\n")
                .append("ib_sim_utilization_percent ").append(format(utilizationPercent())).append('\n');
        b.append("# HELP ib_sim_in_service_seconds_total Time integral of requests in service; its rate is the mean concurrency.\n")
                .append("# TYPE ib_sim_in_service_seconds_total counter\n")
                .append("ib_sim_in_service_seconds_total ").append(format(queue.inServiceSeconds())).append('\n');
        b.append("# HELP ib_sim_output_tokens_total Completion tokens generated.\n")
                .append("# TYPE ib_sim_output_tokens_total counter\n")
                .append("ib_sim_output_tokens_total ").append(tokens.sum()).append('\n');
        durations.appendTo(b, "ib_sim_request_duration_seconds",
                "Time from a request's arrival to its last byte, queueing included.");
        firstTokenDelays.appendTo(b, "ib_sim_first_token_delay_seconds", "How late the simulator wrote a stream's first "
                + "chunk, from when it was due (service start + TTFT): its own share of the TTFT a client measures.");
        b.append("# HELP ib_sim_uptime_seconds Seconds since the simulator started.\n")
                .append("# TYPE ib_sim_uptime_seconds gauge\n")
                .append("ib_sim_uptime_seconds ").append(format((System.nanoTime() - startedNanos) / 1e9)).append('\n');
        return b.toString();
    }

    /** A Prometheus histogram of seconds: counted with adders, exposed cumulative with its sum and count. */
    private static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            int i = 0;
            while (i < bounds.length && seconds > bounds[i]) {
                i++;
            }
            counts[i].increment();
            sum.add(seconds);
        }

        void appendTo(StringBuilder b, String name, String help) {
            b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                    .append("# TYPE ").append(name).append(" histogram\n");
            long cumulative = 0;
            for (int i = 0; i < counts.length; i++) {
                cumulative += counts[i].sum();
                b.append(name).append("_bucket{le=\"").append(i < bounds.length ? format(bounds[i]) : "+Inf").append("\"} ")
                        .append(cumulative).append('\n');
            }
            b.append(name).append("_sum ").append(format(sum.sum())).append('\n')
                    .append(name).append("_count ").append(cumulative).append('\n');
        }
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
