package io.inferencebench.python;

import io.inferencebench.wave.Setting;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CPython process running {@code ib_worker.py}: requests go out as 13-byte frames on its
 * stdin, results come back as frames on its stdout (the protocol is described in the script).
 * Its stderr, where the user's prints land too, goes to the log.
 */
final class WorkerProcess {
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);
    static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final int STDERR_TAIL_LINES = 20;

    final int index;
    private final Process process;
    private final OutputStream requests;
    private final DataInputStream replies;
    private final Map<Integer, Pending> inFlight = new ConcurrentHashMap<>();
    private final Queue<byte[]> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    /** At most PIPE_BUF (4096) bytes, so every write is atomic and the pipe holds whole frames only. */
    private final byte[] writeBuffer = new byte[4096 / 13 * 13];
    private final AtomicInteger nextId = new AtomicInteger();
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private final CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
    private final Consumer<WorkerProcess> onExit;
    final long timeoutMillis;
    private final String factoriesFile;
    private volatile String exitReason;
    private Thread stderrDrain;
    private volatile boolean closing;

    private WorkerProcess(int index, Process process, PythonOptions options, Consumer<WorkerProcess> onExit) {
        this.index = index;
        this.process = process;
        this.requests = process.getOutputStream();
        this.replies = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        this.onExit = onExit;
        this.timeoutMillis = options.requestTimeout().toMillis();
        this.factoriesFile = options.factoriesFile().toString();
    }

    /**
     * Starts worker {@code index} and waits until it has loaded the factories file and called
     * {@code payload_factory} and {@code invoke_factory}.
     *
     * @param onExit called once, from the reader thread, if the process ends while not being closed
     */
    static WorkerProcess start(PythonOptions options, PythonExecutable python, int index,
                               Consumer<WorkerProcess> onExit) throws FactoriesException {
        List<String> command = List.of(python.command(), "-B", WorkerScript.path().toString(),
                options.factoriesFile().toString(), Integer.toString(index), Integer.toString(options.workers()),
                Integer.toString(options.threadsPerWorker()), Integer.toString(options.asyncRequestsPerWorker()),
                Long.toString(System.nanoTime()), options.endpointName());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(options.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new FactoriesException("Python executable '" + python.command()
                    + "' could not be started (" + e.getMessage() + "); pass a working Python as " + Setting.PYTHON_EXECUTABLE + ".", e);
        }
        WorkerProcess worker = new WorkerProcess(index, process, options, onExit);
        worker.startThreads();
        try {
            worker.ready.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return worker;
        } catch (ExecutionException e) {
            worker.close();
            if (e.getCause() instanceof FactoriesException fatal) {
                throw fatal;
            }
            throw new FactoriesException("Python worker could not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            worker.close();
            throw new FactoriesException("Python worker did not finish loading " + options.factoriesFile() + " within "
                    + STARTUP_TIMEOUT.toSeconds() + " s; make invoke_factory and payload_factory return sooner.");
        } catch (InterruptedException e) {
            worker.close();
            Thread.currentThread().interrupt();
            throw new FactoriesException("Interrupted while starting the Python workers.", e);
        }
    }

    private void startThreads() {
        Thread reader = new Thread(this::readReplies, "ib-python-" + index + "-replies");
        reader.setDaemon(true);
        reader.start();
        stderrDrain = new Thread(this::drainStderr, "ib-python-" + index + "-stderr");
        stderrDrain.setDaemon(true);
        stderrDrain.start();
    }

    /** What the worker said when ready: python, pid, mode, clock, invoke (sync or async), payloads. */
    Map<String, String> hello() {
        return ready.getNow(Map.of());
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return exitReason == null;
    }

    /** Why the process ended, or null while it runs. */
    String exitReason() {
        return exitReason;
    }

    /** A request in flight: completed by the reader, a crash, or {@link #expire}. */
    static final class Pending extends CompletableFuture<Invocation> {
        final long sentNanos;

        Pending(long sentNanos) {
            this.sentNanos = sentNanos;
        }
    }

    /**
     * Sends one request; the future always completes normally (failures are failed invocations).
     * Time-outs are applied by {@link #expire}, which the pool calls periodically.
     */
    CompletableFuture<Invocation> submit() {
        long sent = System.nanoTime();
        Pending result = new Pending(sent);
        int id = nextId.getAndIncrement();
        inFlight.put(id, result);
        // Checked after registering: either the exit handler sees this request or we see the exit.
        String reason = exitReason;
        if (reason != null) {
            fail(id, reason);
            return result;
        }
        byte[] frame = {'I', (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id,
                (byte) (sent >>> 56), (byte) (sent >>> 48), (byte) (sent >>> 40), (byte) (sent >>> 32),
                (byte) (sent >>> 24), (byte) (sent >>> 16), (byte) (sent >>> 8), (byte) sent};
        outbox.add(frame);
        try {
            flushOutbox();
        } catch (IOException e) {
            // The JDK closes a dead process's input before our reader has reported the exit, and a broken pipe
            // can come a moment before the kernel has the process reaped: wait for the exit to name it
            String why = exitReason;
            if (why == null && waitForExit()) {
                why = describeExit(process.exitValue(), null);
            }
            fail(id, why != null ? why : "could not write to Python worker " + index + ": " + e.getMessage());
        }
        return result;
    }

    /**
     * Combining writes: the thread that finds no write under way writes every frame waiting, so
     * under load one system call carries many requests and no thread waits on another's write.
     */
    private void flushOutbox() throws IOException {
        while (!outbox.isEmpty() && writing.compareAndSet(false, true)) {
            try {
                int length = 0;
                byte[] frame;
                while ((frame = outbox.poll()) != null) {
                    if (length + frame.length > writeBuffer.length) {
                        requests.write(writeBuffer, 0, length);
                        requests.flush(); // one write system call per chunk, never two chunks in one
                        length = 0;
                    }
                    System.arraycopy(frame, 0, writeBuffer, length, frame.length);
                    length += frame.length;
                }
                requests.write(writeBuffer, 0, length);
                requests.flush();
            } finally {
                writing.set(false);
            }
        }
    }

    /** Fails the requests sent before {@code deadline} (System.nanoTime) as timed out. */
    void expire(long deadline) {
        for (Map.Entry<Integer, Pending> entry : inFlight.entrySet()) {
            if (entry.getValue().sentNanos - deadline < 0) {
                fail(entry.getKey(), "invoke did not return within " + formatSeconds(timeoutMillis));
            }
        }
    }

    private void fail(int id, String reason) {
        Pending pending = inFlight.remove(id);
        if (pending != null) {
            pending.complete(Invocation.failed(reason));
        }
    }

    private void readReplies() {
        try {
            while (true) {
                int length = replies.readInt();
                int kind = replies.readUnsignedByte();
                if (kind == 'R') {
                    int id = replies.readInt();
                    int outcome = replies.readUnsignedByte();
                    long queue = replies.readLong();
                    long invoke = replies.readLong();
                    long payload = replies.readLong();
                    String text = readText(length - 30);
                    Pending pending = inFlight.remove(id);
                    if (pending != null) {
                        pending.complete(switch (outcome) {
                            case 1 -> new Invocation(true, invoke, queue, payload, null, Invocation.parseMeasurements(text));
                            case 2 -> new Invocation(false, 0, queue, payload, "building the payload raised " + text, Map.of());
                            default -> new Invocation(false, invoke, queue, payload, text, Map.of());
                        });
                    }
                } else if (kind == 'H') {
                    ready.complete(Invocation.parseMeasurements(readText(length - 1)));
                } else if (kind == 'F') {
                    ready.completeExceptionally(new FactoriesException(readText(length - 1)));
                } else {
                    throw new IOException("unknown frame kind " + kind + " from Python worker " + index);
                }
            }
        } catch (EOFException e) {
            ended(null);
        } catch (IOException e) {
            ended(e);
        }
    }

    private String readText(int length) throws IOException {
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        replies.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void ended(IOException readError) {
        int code;
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            code = process.waitFor();
            // its last words may still be in the pipe: read them before quoting them (a child process that
            // inherited the pipe would hold it open, hence the bound)
            stderrDrain.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        String reason = closing ? "the Python runtime was closed" : describeExit(code, readError);
        exitReason = reason;
        for (Integer id : new ArrayList<>(inFlight.keySet())) {
            fail(id, reason);
        }
        if (!ready.isDone()) {
            ready.completeExceptionally(new FactoriesException("Python worker exited (" + describeExit(code, readError)
                    + ") while loading " + factoriesFile + lastOutput() + "; run the file with Python to see why."));
            return;
        }
        if (!closing) {
            log.warn("{} with {} request(s) in flight{}", reason, inFlight.size(), lastOutput());
            onExit.accept(this);
        }
    }

    /** True when the worker has exited, or does so within half a second (a broken pipe means it is dying). */
    private boolean waitForExit() {
        try {
            return process.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private String describeExit(int code, IOException readError) {
        if (readError != null && code == 0) {
            return "Python worker " + index + " broke the protocol: " + readError.getMessage();
        }
        if (code > 128 && code < 128 + 32) {
            int signal = code - 128;
            return "Python worker " + index + " exited on signal " + signal + signalName(signal);
        }
        return "Python worker " + index + " exited with code " + code;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 2 -> " (SIGINT)";
            case 6 -> " (SIGABRT)";
            case 7 -> " (SIGBUS)";
            case 9 -> " (SIGKILL, e.g. out of memory)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }

    private void drainStderr() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.info("python worker {}: {}", index, line);
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_TAIL_LINES) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line);
                }
            }
        } catch (IOException e) {
            // the process is gone; its exit is reported by the reader
        }
    }

    private String lastOutput() {
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? "" : "; its last output: " + String.join(" | ", stderrTail);
        }
    }

    /** Ends the process: end of input first (it exits at once), then signals if it lingers. */
    void close() {
        closing = true;
        try {
            requests.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String formatSeconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
    }
}
