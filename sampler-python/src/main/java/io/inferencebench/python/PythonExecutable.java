package io.inferencebench.python;

import io.inferencebench.wave.Setting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A Python interpreter that was found and is recent enough to run factories files. */
public record PythonExecutable(String command, String version) {

    static final int[] MINIMUM = {3, 9};

    /**
     * Runs {@code command} once to read its version.
     *
     * @throws FactoriesException when it cannot be run or is older than 3.9
     */
    public static PythonExecutable probe(String command) throws FactoriesException {
        Process process;
        try {
            // Valid in Python 2 as well, so an old interpreter is named as such rather than failing obscurely.
            process = new ProcessBuilder(command, "-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new FactoriesException(notStarted(command, e), e);
        }
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new FactoriesException("Python executable '" + command + "' did not answer within 30 s; pass a working Python as " + Setting.PYTHON_EXECUTABLE + ".");
            }
        } catch (IOException e) {
            throw new FactoriesException("Python executable '" + command + "' could not be read (" + e.getMessage()
                    + "); pass a working Python as " + Setting.PYTHON_EXECUTABLE + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FactoriesException("Interrupted while checking Python executable '" + command + "'.", e);
        }
        String version = output.lines().reduce((first, second) -> second).orElse("");
        if (process.exitValue() != 0 || !version.matches("\\d+\\.\\d+\\.\\d+")) {
            throw new FactoriesException("Python executable '" + command + "' does not run as Python (it printed: "
                    + abbreviate(output) + "); pass a Python 3.9 or newer as " + Setting.PYTHON_EXECUTABLE + ".");
        }
        String[] parts = version.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = Integer.parseInt(parts[1]);
        if (major < MINIMUM[0] || major == MINIMUM[0] && minor < MINIMUM[1]) {
            throw new FactoriesException("Python executable '" + command + "' is Python " + version
                    + ", but 3.9 or newer is needed; pass a newer Python as " + Setting.PYTHON_EXECUTABLE + ".");
        }
        return new PythonExecutable(command, version);
    }

    /** Why {@code command} could not be started: not there, a directory, or not executable. */
    static String notStarted(String command, IOException e) {
        java.nio.file.Path path = null;
        if (command.contains("/") || command.contains(java.io.File.separator)) {
            try {
                path = java.nio.file.Path.of(command);
            } catch (java.nio.file.InvalidPathException bad) {
                // reported as not found
            }
        }
        if (path != null && java.nio.file.Files.isDirectory(path)) {
            return "Python executable '" + command + "' is a directory; pass the path of the python3 program "
                    + "(e.g. " + path.resolve("bin/python3") + ") as " + Setting.PYTHON_EXECUTABLE + ".";
        }
        boolean denied = String.valueOf(e.getMessage()).contains("error=13")
                || path != null && java.nio.file.Files.isRegularFile(path) && !java.nio.file.Files.isExecutable(path);
        if (denied) {
            return "Python executable '" + command + "' is not executable; make it executable (chmod +x) "
                    + "or pass a working Python 3.9 or newer as " + Setting.PYTHON_EXECUTABLE + ".";
        }
        return "Python executable '" + command + "' was not found; install Python 3.9 or newer or pass its path as " + Setting.PYTHON_EXECUTABLE + ".";
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        if (oneLine.isEmpty()) {
            return "nothing";
        }
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
    }
}
