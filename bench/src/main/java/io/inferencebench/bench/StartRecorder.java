package io.inferencebench.bench;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.samplers.SampleMonitor;
import org.apache.jmeter.samplers.Sampler;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.util.JMeterUtils;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.apache.jmeter.engine.util.NoThreadClone;

import io.inferencebench.wave.SampleFields;

/**
 * Records when every sample really starts and ends, the same way whatever paces the threads: JMeter
 * calls {@link #sampleStarting} right before {@code sampler.sample()} and {@link #sampleEnded} right
 * after it, on the sampling thread. One instance serves every thread ({@link NoThreadClone}); the
 * arrays are allocated up front so recording costs a clock read and an array store.
 *
 * <p>In a plan saved for a cold {@code jmeter -n} (the plain-JMeter mode) it is built from its properties
 * and, at test end, writes what it recorded to the file {@link #DUMP_TO} names, with the CPU the JVM spent
 * from test start to test end, for the benchmark's own JVM to read ({@link PlainRun}).
 */
public final class StartRecorder extends AbstractTestElement implements SampleMonitor, SampleListener, NoThreadClone,
        TestStateListener {
    private static final long serialVersionUID = 1L;
    static final String CAPACITY = "StartRecorder.capacity";
    static final String READ_INTENDED = "StartRecorder.readIntended";
    static final String DUMP_TO = "StartRecorder.dumpTo";
    static final String MECHANISM = "StartRecorder.mechanism";

    private transient long[] starts;
    private transient long[] ends;
    /** Our timer's intended start of each sample (epoch microseconds), when asked for. */
    private transient long[] intendedMicros;
    private transient long cpuAtStart;
    private transient long jitAtStart;
    private final transient AtomicInteger next = new AtomicInteger();
    private final transient ThreadLocal<int[]> slot = ThreadLocal.withInitial(() -> new int[] {-1});
    private final transient LongAdder ok = new LongAdder();
    private final transient LongAdder notOk = new LongAdder();
    /** One pairing of the wall clock with the monotonic clock, to compare with the timer's epoch values. */
    private long pairEpochMicros;
    private long pairNanos;

    /** For a plan loaded from a file: the arrays come from the properties at test start. */
    public StartRecorder() {
        setName("Start recorder");
    }

    /**
     * @param capacity       most samples to record (later ones are counted, not recorded)
     * @param readIntended   also keep the intended start our Constant RPS Timer puts in {@code ib_intended_ms}
     */
    public StartRecorder(int capacity, boolean readIntended) {
        setName("Start recorder");
        setProperty(CAPACITY, capacity);
        setProperty(READ_INTENDED, readIntended);
        allocate();
    }

    private void allocate() {
        int capacity = getPropertyAsInt(CAPACITY);
        starts = new long[capacity];
        ends = new long[capacity];
        intendedMicros = getPropertyAsBoolean(READ_INTENDED) ? new long[capacity] : null;
        pairNanos = System.nanoTime();
        pairEpochMicros = System.currentTimeMillis() * 1000L;
    }

    @Override
    public void testStarted() {
        if (starts == null) {
            allocate();
        }
        cpuAtStart = processCpuNanos();
        jitAtStart = JitCpu.nanos();
    }

    @Override
    public void testStarted(String host) {
        testStarted();
    }

    @Override
    public void testEnded() {
        String to = getPropertyAsString(DUMP_TO);
        if (to.isEmpty()) {
            return;
        }
        long cpu = processCpuNanos() - cpuAtStart;
        long jit = JitCpu.nanos() - jitAtStart;
        try (OutputStream file = Files.newOutputStream(Path.of(to));
             DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(file))) {
            Samples s = samples();
            out.writeInt(started());
            out.writeLong(successful());
            out.writeLong(cpu - jit);
            out.writeLong(jit);
            out.writeUTF(threadsSeen());
            out.writeInt(s.size());
            for (int i = 0; i < s.size(); i++) {
                out.writeLong(s.start(i));
                out.writeLong(s.end(i));
                out.writeLong(s.latencyFromIntended(i));
            }
            io.inferencebench.pacing.PacingReport r = io.inferencebench.pacing.Pacer.report();
            if ("ours".equals(getPropertyAsString(MECHANISM)) && r != null) {
                ByteBuffer buf = ByteBuffer.allocate(r.lateness().getNeededByteBufferCapacity());
                int n = r.lateness().encodeIntoCompressedByteBuffer(buf);
                out.writeInt(n);
                out.write(buf.array(), 0, n);
            } else {
                out.writeInt(0);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void testEnded(String host) {
        testEnded();
    }

    /** The thread pool as the run left it, for the mechanisms that tell (our timer, the shaping timer's feedback). */
    private String threadsSeen() {
        String m = getPropertyAsString(MECHANISM);
        if ("ours".equals(m)) {
            return ourPool();
        }
        if ("tst".equals(m)) {
            return "last " + JMeterUtils.getPropDefault("tst_concurrency", "?");
        }
        return "";
    }

    /** Our timer's pool as the last run left it, in both modes' tables. */
    static String ourPool() {
        io.inferencebench.pacing.PacingReport r = io.inferencebench.pacing.Pacer.report();
        return r == null ? "?" : "peak " + r.peakThreads() + ", end " + r.threads() + (r.cpuLimited() ? ", CPU-limited" : "");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Override
    public void sampleStarting(Sampler sampler) {
        long now = System.nanoTime();
        int i = next.getAndIncrement();
        slot.get()[0] = i;
        if (i < starts.length) {
            starts[i] = now;
        }
    }

    @Override
    public void sampleEnded(Sampler sampler) {
        long now = System.nanoTime();
        int[] s = slot.get();
        int i = s[0];
        s[0] = -1;
        if (i < 0 || i >= ends.length) {
            return;
        }
        ends[i] = now;
        if (intendedMicros != null) {
            JMeterVariables vars = JMeterContextService.getContext().getVariables();
            String intended = vars == null ? null : vars.get(SampleFields.INTENDED_START_MS);
            if (intended != null) {
                intendedMicros[i] = Math.round(Double.parseDouble(intended) * 1000.0);
            }
        }
    }

    @Override
    public void sampleOccurred(SampleEvent e) {
        if (e.getResult().isSuccessful()) {
            ok.increment();
        } else {
            notOk.increment();
        }
    }

    @Override
    public void sampleStarted(SampleEvent e) {
        // not called by JMeter for samplers
    }

    @Override
    public void sampleStopped(SampleEvent e) {
        // not called by JMeter for samplers
    }

    /** Samples that started (recorded or not). */
    public int started() {
        return next.get();
    }

    /** Samples whose result reached the listeners as successful. */
    public long successful() {
        return ok.sum();
    }

    /** Samples whose result reached the listeners as failed. */
    public long failed() {
        return notOk.sum();
    }

    /** What was recorded, start and end of each sample paired by index (read after the test has ended). */
    public Samples samples() {
        int n = Math.min(next.get(), starts.length);
        long[] latencyFromIntended = null;
        if (intendedMicros != null) {
            latencyFromIntended = new long[n];
            for (int i = 0; i < n; i++) {
                latencyFromIntended[i] = intendedMicros[i] == 0 || ends[i] == 0 ? -1
                        : (ends[i] - pairNanos) + (pairEpochMicros - intendedMicros[i]) * 1000L;
            }
        }
        return new Samples(java.util.Arrays.copyOf(starts, n), java.util.Arrays.copyOf(ends, n), latencyFromIntended);
    }
}
