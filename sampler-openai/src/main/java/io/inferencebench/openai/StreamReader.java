package io.inferencebench.openai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that reads the answers under way of many connections ({@code http://} and {@code https://},
 * whose records it opens too), for all OpenAI Streaming Samplers of the JVM; there is one such thread per
 * 4 cores ({@link #READERS}), each connection read by one of them. A JMeter thread that reads its own
 * socket is woken for every token (a park, an unpark and a reschedule each, about 15-20 us of CPU on this
 * project's 2-core machine, 64 times per request); here
 * one {@code epoll} wake-up reads whichever streams have data, times each read as it returns, and parses
 * it on the spot, and the JMeter thread is woken once, when its answer is complete.
 *
 * <p>Everything that touches a registered channel runs on its reader's thread: the JMeter threads hand
 * it {@linkplain #execute tasks}. At 500 streamed requests a second of 64 tokens the readers read about
 * 32,000 times a second, a fraction of one core; it never blocks on anything but the selector.
 */
final class StreamReader {
    private static final Logger log = LoggerFactory.getLogger(StreamReader.class);
    private static StreamReader[] shared;
    private static int next;
    /**
     * Reader threads per JVM: one per 4 cores, at least one ({@code -Dib.openai.readers=N} to choose). One
     * reader spends about 10 us per read, so it follows at most about 100,000 reads a second: some 1,500
     * streamed requests a second of 64 tokens. On this project's 2-core machine one reader and two gave
     * the same TTFT tail at 200 and 500 req/s (within the run-to-run spread), one at slightly less CPU.
     */
    private static final int READERS = Math.max(1,
            Integer.getInteger("ib.openai.readers", Runtime.getRuntime().availableProcessors() / 4));

    /**
     * While streams are arriving, the reader looks every this often instead of waking for each read:
     * one wake-up then reads every stream that has data. See {@link #loop}.
     */
    private static final long GATHER_NANOS = Long.getLong("ib.openai.reader.gather.us", 1000) * 1000;

    /**
     * How often the reader ends the exchanges whose deadline has passed: a request's timeout fires up to
     * this late. A look at every connection's deadline, 10,000 connections in well under a millisecond.
     */
    static final long SWEEP_NANOS = 100_000_000L;
    private static final long SWEEP_MILLIS = SWEEP_NANOS / 1_000_000;
    private long lastSweep = System.nanoTime();
    /** Exchanges under way on this reader: while there are none, it waits without a timeout. Reader thread only. */
    private int underWay;

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** The reader looks again within {@link #GATHER_NANOS} by itself: a new task needs no wake-up. */
    private volatile boolean gathering;
    /** Every read lands here and is parsed at once (the parsers copy what they keep). */
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    /**
     * A reader for a new connection, the readers taken in turn; they start on first use (daemon threads
     * that wait on their selectors when idle).
     */
    static synchronized StreamReader shared() {
        if (shared == null) {
            shared = new StreamReader[READERS];
            for (int i = 0; i < READERS; i++) {
                try {
                    shared[i] = new StreamReader(Selector.open());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open a selector for the stream reader", e);
                }
                Thread t = new Thread(shared[i]::loop, "openai-stream-reader-" + (i + 1));
                t.setDaemon(true);
                t.start();
            }
        }
        StreamReader reader = shared[next];
        next = (next + 1) % READERS; // not next++ % READERS: that turns negative after 2^31 connections
        return reader;
    }

    private StreamReader(Selector selector) {
        this.selector = selector;
    }

    /** Runs {@code task} on the reader thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!gathering) {
            selector.wakeup();
        }
    }

    Selector selector() {
        return selector;
    }

    /** The read buffer, cleared; only for the reader thread. */
    ByteBuffer buffer() {
        return buffer.clear();
    }

    /**
     * Waits for the first stream with data; then, while streams keep arriving, looks again every
     * {@link #GATHER_NANOS} rather than waking for each read. Woken per read, each token cost a wake-up
     * of this thread (most of its CPU); gathered, one wake-up reads every stream that has data. The price:
     * an event is timed up to that long after its bytes arrived (1 ms against a TTFT of hundreds and an
     * ITL of tens of milliseconds; the ITL, a difference of two such times, hardly moves).
     */
    private void loop() {
        while (true) {
            try {
                gathering = false;
                int ready = !tasks.isEmpty() ? selector.selectNow(StreamReader::ready)
                        : underWay > 0 ? selector.select(StreamReader::ready, SWEEP_MILLIS)
                        : selector.select(StreamReader::ready);
                runTasks();
                sweep();
                while (ready > 0 && GATHER_NANOS > 0) {
                    gathering = true;
                    LockSupport.parkNanos(GATHER_NANOS);
                    ready = selector.selectNow(StreamReader::ready);
                    runTasks();
                    sweep();
                }
            } catch (RuntimeException | Error e) {
                // one connection's bug must not stop every stream of the test
                log.error("The OpenAI stream reader failed and goes on: {}", e.toString(), e);
            } catch (IOException e) {
                log.error("The OpenAI stream reader's selector failed and goes on: {}", e.toString());
            }
        }
    }

    /** An exchange was handed to this reader (reader thread). */
    void exchangeBegan() {
        underWay++;
    }

    /** An exchange of this reader ended (reader thread). */
    void exchangeEnded() {
        underWay--;
    }

    /** Every {@link #SWEEP_NANOS}: ends the exchanges whose deadline has passed. */
    private void sweep() {
        long now = System.nanoTime();
        if (now - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = now;
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof ReaderConnection c) {
                c.expire(now);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private static void ready(SelectionKey key) {
        ((ReaderConnection) key.attachment()).ready(key);
    }
}
