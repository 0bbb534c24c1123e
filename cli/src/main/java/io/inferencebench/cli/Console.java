package io.inferencebench.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the user sees, also kept for {@code benchmark.log}: lines printed before the run directory
 * exists are buffered and written once it does.
 */
public final class Console {
    private final PrintStream out;
    private final StringBuilder pending = new StringBuilder();
    private Writer log;

    public Console(PrintStream out) {
        this.out = out;
    }

    public synchronized void println(String line) {
        out.println(line);
        out.flush();
        if (log == null) {
            pending.append(line).append('\n');
        } else {
            try {
                log.write(line);
                log.write('\n');
                log.flush();
            } catch (IOException e) {
                // the console copy already went out; a log that cannot be written is not worth stopping for
            }
        }
    }

    /** Redraws the current terminal line in place (progress); not kept in the log. */
    public synchronized void redraw(String line) {
        out.print("\r" + line + "\u001b[K");
        out.flush();
    }

    /** Ends a redrawn line, so the next output starts on a line of its own. */
    public synchronized void endRedraw() {
        out.println();
        out.flush();
    }

    public void println() {
        println("");
    }

    /** A stream whose lines go where {@link #println(String)} sends them (for parts that print to a stream). */
    public PrintStream asPrintStream() {
        java.io.OutputStream lines = new java.io.OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    println(line.toString(java.nio.charset.StandardCharsets.UTF_8));
                    line.reset();
                } else if (b != '\r') {
                    line.write(b);
                }
            }

            @Override
            public synchronized void flush() {
                // partial lines (a countdown) wait for their end
            }
        };
        return new PrintStream(lines, true, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Starts writing to {@code file}, beginning with what was printed so far. */
    public synchronized void logTo(Path file) throws IOException {
        log = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        log.write(pending.toString());
        log.flush();
        pending.setLength(0);
    }

    public synchronized void close() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException ignored) {
                // nothing left to save
            }
            log = null;
        }
    }
}
