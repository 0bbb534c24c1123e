package io.inferencebench.bench;

import java.lang.management.ManagementFactory;

import org.HdrHistogram.Histogram;
import org.apache.jmeter.engine.StandardJMeterEngine;

import io.inferencebench.pacing.Pacer;
import io.inferencebench.pacing.PacingReport;

/**
 * One mechanism at one rate: a fresh JMeter engine in this JVM, bounded in time, with the client's
 * CPU time measured around it.
 *
 * @param cpuNanos   CPU time of this whole process while the engine ran, the JIT compiler's excepted
 * @param jitNanos   CPU time of the JIT compiler's threads meanwhile (not in {@code cpuNanos})
 * @param started    samples that started (recorded or not)
 * @param successful samples whose result reached the listeners as successful
 * @param ownLateness our timer's own record of start lateness, nanoseconds ({@code null} for the others)
 * @param note       what went wrong, if anything ({@code null} when nothing did)
 */
record PacingRun(Mechanism mechanism, Mechanism.Load load, Samples samples, long started, long successful,
                 long cpuNanos, long jitNanos, Histogram ownLateness, String threads, String note) {

    /** Longest a run may take beyond its duration before the benchmark stops it. */
    private static final long OVERRUN_NANOS = 30_000_000_000L;

    static PacingRun execute(Mechanism mechanism, Mechanism.Load load, boolean readIntended) throws InterruptedException {
        int capacity = (int) Math.min(50_000_000L, Math.round(load.rate() * load.seconds() * 1.5) + 10_000);
        StartRecorder recorder = new StartRecorder(capacity, readIntended && mechanism == Mechanism.OURS);
        StandardJMeterEngine engine = new StandardJMeterEngine();
        engine.configure(mechanism.plan(load, recorder));
        // what the last run left behind is not this run's CPU
        System.gc();
        Thread.sleep(300);

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long jitBefore = JitCpu.nanos();
        long began = System.nanoTime();
        Thread runner = new Thread(engine::run, "pacing-bench-engine");
        runner.start();
        String note = null;
        long deadline = began + load.seconds() * 1_000_000_000L + OVERRUN_NANOS;
        while (runner.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                note = "did not end by itself within 30 s of its duration: stopped";
                engine.stopTest(true);
                runner.join(30_000);
                break;
            }
            runner.join(Math.max(1, Math.min(left / 1_000_000L, 200)));
        }
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long jit = JitCpu.nanos() - jitBefore;

        Histogram own = null;
        if (mechanism == Mechanism.OURS) {
            PacingReport report = Pacer.report();
            own = report == null ? null : report.lateness();
        }
        return new PacingRun(mechanism, load, recorder.samples(), recorder.started(), recorder.successful(), cpu - jit, jit, own,
                mechanism.threads(load.rate()), note);
    }

    StartStatistics statistics() {
        return new StartStatistics(samples, load.rate(), load.seconds());
    }

    /** Client CPU milliseconds per 1,000 started requests, the JIT compiler's excepted. */
    double cpuMsPerThousand() {
        return started == 0 ? Double.NaN : cpuNanos / 1e6 / started * 1000;
    }

    /** The JIT compiler's CPU milliseconds per 1,000 started requests. */
    double jitMsPerThousand() {
        return started == 0 ? Double.NaN : jitNanos / 1e6 / started * 1000;
    }
}
