package io.inferencebench.diagnostics;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;

/**
 * A /proc file kept open and read again from its start at each sample, as top and procps do. Opening it each
 * time went through the JDK's NIO channel (a path, a channel, a cleaner, a close): run ten times a second, too rarely
 * to be compiled, that was 0.5-1 ms of interpreted code per read and most of the hardware sampler's CPU.
 */
final class ProcFile implements AutoCloseable {
    private final RandomAccessFile file;
    private final byte[] buffer;

    private ProcFile(RandomAccessFile file, int size) {
        this.file = file;
        this.buffer = new byte[size];
    }

    /** The file opened for reading, or null where it cannot be (not Linux, a process gone). */
    static ProcFile open(String path, int size) {
        try {
            return new ProcFile(new RandomAccessFile(path, "r"), size);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Its text now, up to the buffer's size: a /proc file is generated afresh when read from offset 0, and the
     * figures read here are in its first lines.
     */
    String read() throws IOException {
        file.seek(0);
        int n = 0;
        int r;
        while (n < buffer.length && (r = file.read(buffer, n, buffer.length - n)) > 0) {
            n += r;
        }
        return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            // read-only: nothing was left unwritten
        }
    }
}
