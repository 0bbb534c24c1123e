import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;

/**
 * The floor for the pacing goals: the least a cold JVM does to send RATE POSTs a second on time and read their
 * answers, in one thread and nothing else. A start is due every 1/rate s from the first; each goes out on a
 * kept-alive connection (a new one when none is free), and an answer is complete when its {@code Content-Length}
 * bytes have arrived. No JMeter, no samples, no pool: it says whether this machine and the simulator beside it
 * can carry a rate from a cold start at all, so that what a JMeter mechanism misses can be told from what the
 * machine cannot do. It reads what the built-in simulator's {@code /invocations} answers (a sized body) and is
 * no general client. Run from source, beside the simulator ({@code ./benchmark simulate --latency 50ms}):
 *
 * <pre>
 * java bench/floor/RequestFloor.java URL RATE SECONDS
 * </pre>
 *
 * It prints one line of {@code key=value}: the starts in the first second and per second from the 2nd (min, max,
 * CV), the answers completed and failed, the connections it opened, the starts' lateness against their due
 * times (p50, p99, max), and the JVM's CPU per 1,000 requests from the first start to the last answer (the JIT
 * included: the JVM is as cold as a CI run's).
 */
public final class RequestFloor {
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    /** One kept-alive connection and the answer under way on it. */
    private static final class Connection {
        final SocketChannel channel;
        boolean busy;
        /** The answer's bytes so far (a head and a small body). */
        byte[] answer = new byte[1024];
        int length;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java bench/floor/RequestFloor.java URL RATE SECONDS");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        double seconds = Double.parseDouble(args[2]);
        String body = "{}";
        byte[] request = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());

        Selector selector = Selector.open();
        ArrayDeque<Connection> idle = new ArrayDeque<>();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        int planned = (int) Math.round(rate * seconds);
        int[] perSecond = new int[(int) Math.ceil(seconds) + 1];
        long[] lateness = new long[planned];
        int completed = 0;
        int failed = 0;
        int inFlight = 0;
        int connections = 0;
        int started = 0;

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuAtStart = os.getProcessCpuTime();
        long origin = System.nanoTime();
        long deadline = origin + (long) ((seconds + 60) * 1e9);
        while ((started < planned || inFlight > 0) && System.nanoTime() < deadline) {
            long due = Math.min(planned, (long) ((System.nanoTime() - origin) * rate / 1e9) + 1);
            for (; started < due; started++) {
                Connection c = idle.pollFirst();
                if (c == null) {
                    SocketChannel channel = SocketChannel.open();
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.connect(address); // blocking: loopback answers at once
                    channel.configureBlocking(false);
                    c = new Connection(channel);
                    channel.register(selector, SelectionKey.OP_READ, c);
                    connections++;
                }
                c.busy = true;
                c.length = 0;
                long sent = System.nanoTime();
                lateness[started] = sent - (origin + (long) (started * 1e9 / rate));
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    c.channel.write(out);
                }
                perSecond[(int) Math.min(perSecond.length - 1, (sent - origin) / 1_000_000_000L)]++;
                inFlight++;
            }
            long next = started < planned ? origin + (long) (started * 1e9 / rate) : System.nanoTime() + 100_000_000L;
            long waitMs = (next - System.nanoTime()) / 1_000_000;
            if (waitMs > 0) {
                selector.select(waitMs);
            } else {
                selector.selectNow();
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Connection c = (Connection) key.attachment();
                buffer.clear();
                int n;
                try {
                    n = c.channel.read(buffer);
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0) { // the server closed the connection: mid-answer, that request failed
                    key.cancel();
                    c.channel.close();
                    if (c.busy) {
                        failed++;
                        inFlight--;
                    } else {
                        idle.remove(c);
                    }
                    continue;
                }
                if (!c.busy) {
                    continue;
                }
                if (c.length + n > c.answer.length) {
                    c.answer = Arrays.copyOf(c.answer, c.length + n + 1024);
                }
                System.arraycopy(buffer.array(), 0, c.answer, c.length, n);
                c.length += n;
                if (complete(c.answer, c.length)) {
                    c.busy = false;
                    inFlight--;
                    completed++;
                    idle.addFirst(c);
                }
            }
        }
        long cpu = os.getProcessCpuTime() - cpuAtStart;
        report(rate, perSecond, (int) Math.ceil(seconds), lateness, completed, failed, inFlight, connections, cpu);
    }

    /** Whether the bytes hold a whole answer: its head and as many body bytes as its Content-Length says. */
    private static boolean complete(byte[] b, int length) {
        int headEnd = indexOf(b, length, HEAD_END, 0, false);
        if (headEnd < 0) {
            return false;
        }
        int at = indexOf(b, headEnd, LENGTH, 0, true);
        long bodyLength = 0;
        if (at >= 0) {
            for (int i = at + LENGTH.length; i < headEnd; i++) {
                if (b[i] >= '0' && b[i] <= '9') {
                    bodyLength = bodyLength * 10 + (b[i] - '0');
                } else if (b[i] == '\r') {
                    break;
                }
            }
        }
        return length >= headEnd + HEAD_END.length + bodyLength;
    }

    private static int indexOf(byte[] b, int length, byte[] what, int from, boolean ignoreCase) {
        outer:
        for (int i = from; i + what.length <= length; i++) {
            for (int j = 0; j < what.length; j++) {
                byte x = b[i + j];
                if (ignoreCase && x >= 'A' && x <= 'Z') {
                    x = (byte) (x + 32);
                }
                if (x != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void report(double rate, int[] perSecond, int seconds, long[] lateness, int completed, int failed,
            int unfinished, int connections, long cpuNanos) {
        double sum = 0;
        double sq = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 1; i < seconds; i++) { // from the 2nd second, as the pacing goals count
            sum += perSecond[i];
            sq += (double) perSecond[i] * perSecond[i];
            min = Math.min(min, perSecond[i]);
            max = Math.max(max, perSecond[i]);
        }
        int k = Math.max(1, seconds - 1);
        double mean = sum / k;
        double cv = mean == 0 ? 0 : Math.sqrt(Math.max(0, sq / k - mean * mean)) / mean * 100;
        Arrays.sort(lateness);
        int n = lateness.length;
        System.out.printf(Locale.ROOT,
                "floor rate=%.1f first_second=%d per_second_min=%d per_second_max=%d cv_from_2nd_s=%.2f%% "
                        + "completed=%d failed=%d unfinished=%d connections=%d lateness_p50_ms=%.2f "
                        + "lateness_p99_ms=%.2f lateness_max_ms=%.1f cpu_ms_per_1000=%.0f%n",
                rate, perSecond[0], min, max, cv, completed, failed, unfinished, connections,
                lateness[n / 2] / 1e6, lateness[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1e6,
                lateness[n - 1] / 1e6, completed == 0 ? 0 : cpuNanos / 1e6 / completed * 1000);
    }
}
