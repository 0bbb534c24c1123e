package io.inferencebench.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.samplers.SampleMonitor;
import org.apache.jmeter.samplers.Sampler;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.apache.jmeter.engine.util.NoThreadClone;

import io.inferencebench.wave.SampleFields;

/**
 * Records when every sample really starts and ends, the same way whatever paces the threads: JMeter
 * calls {@link #sampleStarting} right before {@code sampler.sample()} and {@link #sampleEnded} right
 * after it, on the sampling thread. One instance serves every thread ({@link NoThreadClone}); the
 * arrays are allocated up front so recording costs a clock read and an array store.
 */
public final class StartRecorder extends AbstractTestElement implements SampleMonitor, SampleListener, NoThreadClone {
    private static final long serialVersionUID = 1L;

    private final transient long[] starts;
    private final transient long[] ends;
    /** Our timer's intended start of each sample (epoch microseconds), when asked for. */
    private final transient long[] intendedMicros;
    private final transient AtomicInteger next = new AtomicInteger();
    private final transient ThreadLocal<int[]> slot = ThreadLocal.withInitial(() -> new int[] {-1});
    private final transient LongAdder ok = new LongAdder();
    private final transient LongAdder notOk = new LongAdder();
    /** One pairing of the wall clock with the monotonic clock, to compare with the timer's epoch values. */
    private final long pairEpochMicros;
    private final long pairNanos;

    /**
     * @param capacity       most samples to record (later ones are counted, not recorded)
     * @param readIntended   also keep the intended start our Constant RPS Timer puts in {@code ib_intended_ms}
     */
    public StartRecorder(int capacity, boolean readIntended) {
        starts = new long[capacity];
        ends = new long[capacity];
        intendedMicros = readIntended ? new long[capacity] : null;
        pairNanos = System.nanoTime();
        pairEpochMicros = System.currentTimeMillis() * 1000L;
        setName("Start recorder");
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
