package io.inferencebench.python;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jep runtime: CPython inside the JVM through Jep 4.x, reached by reflection so that Jep stays
 * optional. Jep's interpreters are bound to the thread that made them, so this runtime owns up to
 * {@code threadsPerWorker} threads, each with its own {@code SharedInterpreter} (started one at a
 * time, when every running one is busy); they share the loaded factories module, as the threads
 * of one worker process do.
 *
 * <p>Jep is found on the classpath, or else in the Python's own {@code jep} package (what
 * {@code pip install jep} leaves: the jar and the native library side by side).
 */
final class JepRuntime implements PythonRuntime {
    private static final Logger log = LoggerFactory.getLogger(JepRuntime.class);
    private static final Map<String, Object> DETECTED = new ConcurrentHashMap<>();
    private static final String INTERPRETER_CLASS = "jep.SharedInterpreter";

    private static final java.util.concurrent.atomic.AtomicInteger KEYS = new java.util.concurrent.atomic.AtomicInteger();

    private final PythonOptions options;
    private final JepApi jep;
    /** This runtime's entry among the factories files loaded in the JVM's Python. */
    private final int key = KEYS.incrementAndGet();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger idle = new java.util.concurrent.atomic.AtomicInteger();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile boolean closed;

    private record Request(long sentNanos, CompletableFuture<Invocation> result) {
    }

    /** Jep's interpreter class and the methods we call on it. */
    private record JepApi(Class<?> type, Method exec, Method set, Method getValue, Method invoke, Method close) {
        static JepApi of(Class<?> type) throws NoSuchMethodException {
            return new JepApi(type, type.getMethod("exec", String.class), type.getMethod("set", String.class, Object.class),
                    type.getMethod("getValue", String.class), type.getMethod("invoke", String.class, Object[].class),
                    type.getMethod("close"));
        }

        Object open() throws ReflectiveOperationException {
            return type.getConstructor().newInstance();
        }
    }

    private JepRuntime(PythonOptions options, JepApi jep) {
        this.options = options;
        this.jep = jep;
    }

    /**
     * Why Jep cannot run here for this Python, or null when it can (its native library loaded and
     * an interpreter opened). The answer is kept per Python executable.
     */
    static String unavailableReason(PythonOptions options) {
        Object found = DETECTED.computeIfAbsent(options.python(), JepRuntime::detect);
        return found instanceof String reason ? reason : null;
    }

    private static Object detect(String python) {
        Class<?> type;
        try {
            type = Class.forName(INTERPRETER_CLASS);
        } catch (ClassNotFoundException e) {
            try {
                type = fromPythonPackage(python);
            } catch (IOException | ReflectiveOperationException | RuntimeException problem) {
                return problem.getMessage();
            }
        }
        try {
            JepApi api = JepApi.of(type);
            onFreshThread(() -> api.close.invoke(api.open())); // an interpreter must close on its own thread
            return api;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            return "its native library did not load: " + cause;
        }
    }

    /** Loads Jep's jar from the Python's {@code jep} package and points Jep at its native library. */
    private static Class<?> fromPythonPackage(String python) throws IOException, ReflectiveOperationException {
        // find_spec, not import: jep refuses to be imported outside an embedding JVM
        Process process = new ProcessBuilder(python, "-c",
                "import importlib.util as u; s = u.find_spec('jep'); print(s.submodule_search_locations[0] if s else '')")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String location = output.lines().reduce((a, b) -> b).orElse("");
        if (process.exitValue() != 0 || location.isBlank()) {
            throw new IOException("no jep module in " + python + " and no Jep on the classpath");
        }
        Path folder = Path.of(location);
        Path jar = only(folder, "jep*.jar");
        Path library = only(folder, "libjep.*");
        if (jar == null || library == null) {
            throw new IOException("the jep package in " + folder + " has no jar or no libjep");
        }
        ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, JepRuntime.class.getClassLoader());
        Class<?> main = Class.forName("jep.MainInterpreter", true, loader);
        main.getMethod("setJepLibraryPath", String.class).invoke(null, library.toString());
        return Class.forName(INTERPRETER_CLASS, true, loader);
    }

    private static Path only(Path folder, String glob) throws IOException {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(folder, glob)) {
            for (Path match : matches) {
                return match;
            }
        }
        return null;
    }

    private interface Action<T> {
        T run() throws ReflectiveOperationException;
    }

    private static <T> T onFreshThread(Action<T> action) throws ReflectiveOperationException {
        Object[] outcome = new Object[1];
        Thread thread = new Thread(() -> {
            try {
                outcome[0] = action.run();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                outcome[0] = e;
            }
        }, "ib-jep-probe");
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (outcome[0] instanceof ReflectiveOperationException e) {
            throw e;
        }
        if (outcome[0] instanceof LinkageError e) {
            throw e;
        }
        if (outcome[0] instanceof RuntimeException e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T result = (T) outcome[0];
        return result;
    }

    static JepRuntime start(PythonOptions options) throws FactoriesException {
        WorkerPool.checkFile(options);
        Object found = DETECTED.computeIfAbsent(options.python(), JepRuntime::detect);
        if (found instanceof String reason) {
            throw new FactoriesException("The Jep runtime was asked for, but Jep is not available (" + reason
                    + "); install Jep 4.x (pip install jep) or use the subprocess runtime.");
        }
        JepRuntime runtime = new JepRuntime(options, (JepApi) found);
        runtime.startThread(); // the first thread loads the factories file
        try {
            runtime.loaded.get(WorkerProcess.STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            runtime.close();
            Throwable cause = e.getCause();
            throw cause instanceof FactoriesException fatal ? fatal
                    : new FactoriesException("Jep could not load " + options.factoriesFile() + ": " + cause, cause);
        } catch (java.util.concurrent.TimeoutException e) {
            runtime.close();
            throw new FactoriesException("Jep did not finish loading " + options.factoriesFile() + " within "
                    + WorkerProcess.STARTUP_TIMEOUT.toSeconds() + " s; make invoke_factory and payload_factory return sooner.");
        } catch (InterruptedException e) {
            runtime.close();
            Thread.currentThread().interrupt();
            throw new FactoriesException("Interrupted while starting Jep.", e);
        }
        log.info("{}", runtime.description());
        return runtime;
    }

    /** One more interpreter thread, unless the cap is reached. */
    private void startThread() {
        int count;
        do {
            count = threads.get();
            if (count >= options.threadsPerWorker()) {
                return;
            }
        } while (!threads.compareAndSet(count, count + 1));
        Thread thread = new Thread(this::serve, "ib-jep-" + (count + 1));
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        Object interpreter = null;
        try {
            interpreter = jep.open();
            jep.set.invoke(interpreter, "ib_key", key);
            boolean first = !loaded.isDone();
            if (first) {
                jep.set.invoke(interpreter, "ib_script", WorkerScript.path().toString());
                jep.exec.invoke(interpreter, "import importlib.util, sys\n"
                        + "if 'ib_worker' not in sys.modules:\n"
                        + "    _spec = importlib.util.spec_from_file_location('ib_worker', ib_script)\n"
                        + "    _module = importlib.util.module_from_spec(_spec)\n"
                        + "    sys.modules['ib_worker'] = _module\n"
                        + "    _spec.loader.exec_module(_module)\n");
                jep.set.invoke(interpreter, "ib_path", options.factoriesFile().toString());
                jep.set.invoke(interpreter, "ib_endpoint", options.endpointName());
                jep.exec.invoke(interpreter, "import ib_worker\nib_error = ib_worker.jep_load(ib_key, ib_path, ib_endpoint)");
                Object error = jep.getValue.invoke(interpreter, "ib_error");
                if (error != null) {
                    loaded.completeExceptionally(new FactoriesException(error.toString()));
                    return;
                }
                loaded.complete(null);
            }
            jep.exec.invoke(interpreter, "import ib_worker\n"
                    + "def ib_call(sent_ns):\n"
                    + "    return ib_worker.jep_call(ib_key, sent_ns)\n");
            idle.incrementAndGet();
            while (!closed) {
                Request request = requests.poll(200, TimeUnit.MILLISECONDS);
                if (request != null) {
                    idle.decrementAndGet();
                    request.result.complete(call(interpreter, request.sentNanos));
                    idle.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            loaded.completeExceptionally(cause);
            log.error("Jep thread {} stopped: {}", Thread.currentThread().getName(), cause.toString());
        } finally {
            if (interpreter != null && closed && Thread.currentThread().getName().equals("ib-jep-1")) {
                try {
                    jep.exec.invoke(interpreter, "ib_worker.jep_unload(ib_key)");
                } catch (ReflectiveOperationException | RuntimeException e) {
                    log.debug("unloading the factories file from Jep failed", e);
                }
            }
            if (interpreter != null) {
                try {
                    jep.close.invoke(interpreter);
                } catch (ReflectiveOperationException e) {
                    log.debug("closing a Jep interpreter failed", e);
                }
            }
        }
    }

    private Invocation call(Object interpreter, long sentNanos) {
        try {
            List<?> outcome = (List<?>) jep.invoke.invoke(interpreter, "ib_call", new Object[] {sentNanos});
            int kind = ((Number) outcome.get(0)).intValue();
            long queue = ((Number) outcome.get(1)).longValue();
            long invoke = ((Number) outcome.get(2)).longValue();
            long payload = ((Number) outcome.get(3)).longValue();
            String text = String.valueOf(outcome.get(4));
            return switch (kind) {
                case 1 -> new Invocation(true, invoke, queue, payload, null, Invocation.parseMeasurements(text));
                case 2 -> new Invocation(false, 0, queue, payload, "building the payload raised " + text, Map.of());
                default -> new Invocation(false, invoke, queue, payload, text, Map.of());
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            return Invocation.failed("Jep failed: " + cause);
        }
    }

    @Override
    public CompletableFuture<Invocation> submit() {
        if (closed) {
            return CompletableFuture.completedFuture(Invocation.failed("the Python runtime was closed"));
        }
        CompletableFuture<Invocation> result = new CompletableFuture<>();
        requests.add(new Request(System.nanoTime(), result));
        if (idle.get() == 0) {
            startThread();
        }
        long timeout = options.requestTimeout().toMillis();
        return result.completeOnTimeout(
                Invocation.failed("invoke did not return within " + WorkerProcess.formatSeconds(timeout)),
                timeout, TimeUnit.MILLISECONDS);
    }

    @Override
    public int restarts() {
        return 0;
    }

    @Override
    public String description() {
        return "Python runtime: Jep in-process (" + options.threadsPerWorker() + " threads) serving " + options.factoriesFile();
    }

    @Override
    public void close() {
        closed = true;
        Request left;
        while ((left = requests.poll()) != null) {
            left.result.complete(Invocation.failed("the Python runtime was closed"));
        }
    }
}
