package io.inferencebench.python;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subprocess runtime: {@code workers} CPython processes, requests spread round-robin. A
 * worker that dies fails its in-flight requests, and is restarted while the others go on.
 */
public final class WorkerPool implements PythonRuntime {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
    private static final long MAX_RESTART_PAUSE_MS = 10_000;

    private final PythonOptions options;
    private final PythonExecutable python;
    private final AtomicReferenceArray<WorkerProcess> workers;
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicInteger restarts = new AtomicInteger();
    private final ExecutorService restarter;
    private final ScheduledExecutorService timeouts;
    private final Object liveness = new Object();
    private volatile boolean closed;
    private volatile String lastRestartFailure;

    private WorkerPool(PythonOptions options, PythonExecutable python) {
        this.options = options;
        this.python = python;
        this.workers = new AtomicReferenceArray<>(options.workers());
        this.restarter = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "ib-python-restart");
            thread.setDaemon(true);
            return thread;
        });
        // One sweep for all time-outs instead of a timer per request: cheaper on the request path.
        this.timeouts = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ib-python-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        long timeoutNanos = options.requestTimeout().toNanos();
        long period = Math.max(10, Math.min(100, options.requestTimeout().toMillis() / 10));
        timeouts.scheduleWithFixedDelay(() -> {
            long deadline = System.nanoTime() - timeoutNanos;
            for (int i = 0; i < workers.length(); i++) {
                WorkerProcess worker = workers.get(i);
                if (worker != null) {
                    worker.expire(deadline);
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Checks the factories file and the Python, then starts every worker in parallel and waits
     * until each has called {@code invoke_factory}.
     */
    public static WorkerPool start(PythonOptions options) throws FactoriesException {
        checkFile(options);
        options.checkWorkers();
        PythonExecutable python = PythonExecutable.probe(options.python());
        WorkerPool pool = new WorkerPool(options, python);
        List<Future<WorkerProcess>> starting = new ArrayList<>();
        for (int i = 0; i < options.workers(); i++) {
            int index = i;
            starting.add(pool.restarter.submit(() -> WorkerProcess.start(options, python, index, pool::restart)));
        }
        FactoriesException failure = null;
        for (int i = 0; i < starting.size(); i++) {
            try {
                pool.workers.set(i, starting.get(i).get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof FactoriesException fatal ? fatal
                            : new FactoriesException("Python worker " + i + " could not start: " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new FactoriesException("Interrupted while starting the Python workers.", e);
            }
        }
        if (failure != null) {
            pool.close();
            throw failure;
        }
        log.info("{}", pool.description());
        return pool;
    }

    static void checkFile(PythonOptions options) throws FactoriesException {
        if (Files.isDirectory(options.factoriesFile())) {
            throw new FactoriesException("Factories file " + options.factoriesFile()
                    + " is a directory; pass the path of a Python file in it that defines invoke_factory and payload_factory.");
        }
        if (!Files.isRegularFile(options.factoriesFile())) {
            throw new FactoriesException("Factories file " + options.factoriesFile()
                    + " does not exist; pass the path of a Python file that defines invoke_factory and payload_factory.");
        }
        if (!Files.isReadable(options.factoriesFile())) {
            throw new FactoriesException("Factories file " + options.factoriesFile() + " cannot be read; check its permissions.");
        }
    }

    @Override
    public CompletableFuture<Invocation> submit() {
        WorkerProcess worker = liveWorker();
        if (worker == null) {
            String why = closed ? "the Python runtime was closed"
                    : "no Python worker is running" + (lastRestartFailure == null ? "" : " (" + lastRestartFailure + ")");
            return CompletableFuture.completedFuture(Invocation.failed(why));
        }
        return worker.submit();
    }

    /** The next live worker in turn, waiting (at most the request timeout) while all are restarting. */
    private WorkerProcess liveWorker() {
        WorkerProcess worker = nextLive();
        if (worker != null) {
            return worker;
        }
        long deadline = System.nanoTime() + options.requestTimeout().toNanos();
        synchronized (liveness) {
            while (!closed) {
                worker = nextLive();
                long left = deadline - System.nanoTime();
                if (worker != null || left <= 0) {
                    return worker;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(liveness, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }

    private WorkerProcess nextLive() {
        int count = workers.length();
        int first = Math.floorMod(turn.getAndIncrement(), count);
        for (int i = 0; i < count; i++) {
            WorkerProcess worker = workers.get((first + i) % count);
            if (worker != null && worker.alive()) {
                return worker;
            }
        }
        return null;
    }

    /** Called by a worker's reader thread when its process ended unasked. */
    private void restart(WorkerProcess dead) {
        if (closed) {
            return;
        }
        restarter.execute(() -> {
            long pause = 100;
            while (!closed) {
                try {
                    WorkerProcess fresh = WorkerProcess.start(options, python, dead.index, this::restart);
                    if (closed || !workers.compareAndSet(dead.index, dead, fresh)) {
                        fresh.close();
                        return;
                    }
                    restarts.incrementAndGet();
                    lastRestartFailure = null;
                    log.info("Python worker {} restarted (pid {}) after: {}", dead.index, fresh.pid(), dead.exitReason());
                    synchronized (liveness) {
                        liveness.notifyAll();
                    }
                    return;
                } catch (FactoriesException e) {
                    lastRestartFailure = "restarting worker " + dead.index + " failed: " + e.getMessage();
                    log.warn("{}; trying again in {} ms", lastRestartFailure, pause);
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
                pause = Math.min(pause * 2, MAX_RESTART_PAUSE_MS);
            }
        });
    }

    @Override
    public int restarts() {
        return restarts.get();
    }

    /** Process ids of the current workers, in worker order (0 while one is missing). */
    public long[] pids() {
        long[] pids = new long[workers.length()];
        for (int i = 0; i < pids.length; i++) {
            WorkerProcess worker = workers.get(i);
            pids[i] = worker == null ? 0 : worker.pid();
        }
        return pids;
    }

    /** True when the workers serve an {@code async def invoke} on their event loops. */
    public boolean asyncInvoke() {
        WorkerProcess first = workers.get(0);
        return first != null && "async".equals(first.hello().get("invoke"));
    }

    @Override
    public boolean precomputedPayloads() {
        WorkerProcess first = workers.get(0);
        return first == null || "pre_computed".equals(first.hello().get("mode"));
    }

    @Override
    public String description() {
        WorkerProcess first = workers.get(0);
        Map<String, String> hello = first == null ? Map.of() : first.hello();
        String payloads = first != null && precomputedPayloads()
                ? "pre-computed payloads (" + hello.get("payloads") + " on worker 0)" : "a payload callable";
        String loop = hello.get("loop"); // which implementation: uvloop when installed, else asyncio's own
        String serving = "async".equals(hello.get("invoke"))
                ? "one asyncio event loop each" + (loop == null ? "" : " (" + ("asyncio".equals(loop) ? "the standard loop" : loop) + ")")
                        + ", up to " + String.format(java.util.Locale.ROOT, "%,d", options.asyncRequestsPerWorker())
                        + " requests in flight on it, for async def invoke"
                : "up to " + options.threadsPerWorker() + " threads each";
        return "Python runtime: " + options.workers() + " CPython " + python.version() + " worker process"
                + (options.workers() == 1 ? "" : "es") + " (" + serving + ") serving " + options.factoriesFile()
                + " with " + payloads;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (liveness) {
            liveness.notifyAll();
        }
        restarter.shutdownNow();
        timeouts.shutdownNow();
        for (int i = 0; i < workers.length(); i++) {
            WorkerProcess worker = workers.getAndSet(i, null);
            if (worker != null) {
                worker.close();
            }
        }
    }
}
