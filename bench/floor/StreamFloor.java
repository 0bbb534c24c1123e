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
import java.util.concurrent.locks.LockSupport;

/**
 * The floor the LLM benchmarks measure ours against: the least a JVM client can do to hold a rate of
 * streamed chat completions from this machine, in one thread and nothing else. It opens each stream on
 * time (a start is due every 1/rate s from the first), sends the request on a kept-alive connection,
 * reads every stream with one selector, times the first {@code data:} event as the read that brought it
 * returns, and finds the end of the answer by the chunked encoding's last chunk. No JMeter, no samples,
 * no parsing of the events, no pool: what is left is the sockets, the kernel and the JVM.
 *
 * <p>It reads what the built-in simulator sends (a chunked answer of server-sent events) and is no general
 * client: it is the baseline beside ours in {@code bench/llm/run} and
 * {@code bench/concurrency/run}, measured in the same run against the same simulator. Run from source:
 *
 * <pre>
 * java [-Dfloor.rounds=N] [-Dfloor.gather.us=U] bench/floor/StreamFloor.java URL RATE SECONDS [MAX_TOKENS [TTFT_MS]]
 * </pre>
 *
 * {@code floor.rounds} runs the wave N times in the same JVM, one line each (the 2nd on a warm JVM);
 * {@code floor.gather.us} waits U microseconds before looking again while streams have data, as ours'
 * stream reader does (1,000), instead of waking for every read (0, the default).
 *
 * It prints one line of {@code key=value}: the starts per second (min, max, CV from the 2nd second), the
 * streams completed and failed, TTFT p50/p90/p99/max, the share over TTFT_MS + 20 ms, and the process's
 * CPU per stream over the window and the streams' ends (its JVM start and the source compilation excluded).
 */
public final class StreamFloor {
    /** The "warm" figures start this long after the first start, as bench/llm/summarise.py's WARM_S. */
    private static final double WARM_S = 5;
    /** Words in the prompt: ours' default {@code --synthetic-input-tokens}. */
    private static final int PROMPT_WORDS = 128;
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One stream under way on one connection. */
    private static final class Stream {
        final SocketChannel channel;
        /** A stream is under way on the connection (else it waits, kept alive, for the next start). */
        boolean busy;
        long sentNanos;
        /** Which start of the wave this stream is (0 for the first). */
        int index;
        long firstNanos;
        /** The answer's last bytes so far, to find the last chunk split over two reads. */
        final byte[] tail = new byte[LAST_CHUNK.length];
        int tailLength;
        /** How much of {@code data:} the last read ended inside, when the first event is not yet seen. */
        int dataMatched;

        Stream(SocketChannel channel) {
            this.channel = channel;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java bench/floor/StreamFloor.java URL RATE SECONDS [MAX_TOKENS [TTFT_MS]]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int maxTokens = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        double ttftMs = args.length > 4 ? Double.parseDouble(args[4]) : 200;
        byte[] request = request(url, maxTokens);
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());

        int rounds = Integer.getInteger("floor.rounds", 1);
        long gatherNanos = Long.getLong("floor.gather.us", 0) * 1000;
        Selector selector = Selector.open();
        ArrayDeque<Stream> idle = new ArrayDeque<>();
        for (int round = 1; round <= rounds; round++) {
            wave(selector, idle, address, request, rate, seconds, ttftMs, gatherNanos, round);
        }
    }

    private static void wave(Selector selector, ArrayDeque<Stream> idle, InetSocketAddress address, byte[] request,
            double rate, double seconds, double ttftMs, long gatherNanos, int round) throws IOException {
        long planned = Math.round(rate * seconds);
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long[] ttft = new long[(int) planned]; // by start, 0 until the stream completes
        int warmIndex = (int) Math.min(planned, Math.ceil(WARM_S * rate));
        long cpuAtWarm = 0;
        long cpuAtLastStart = 0;
        int[] perSecond = new int[(int) Math.ceil(seconds)];
        int completed = 0;
        int failed = 0;
        int inFlight = 0;
        long started = 0;
        int gathered = 0;

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuAtStart = os.getProcessCpuTime();
        long origin = System.nanoTime();
        long deadline = origin + (long) ((seconds + 180) * 1e9); // the last streams' grace
        while (started < planned || inFlight > 0) {
            long now = System.nanoTime();
            if (now > deadline) {
                break;
            }
            long due = Math.min(planned, (long) ((now - origin) * rate / 1e9) + 1);
            for (; started < due; started++) {
                Stream s = idle.pollFirst();
                if (s == null) {
                    SocketChannel c = SocketChannel.open();
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c.connect(address); // blocking: loopback answers at once
                    c.configureBlocking(false);
                    s = new Stream(c);
                    c.register(selector, SelectionKey.OP_READ, s);
                }
                s.busy = true;
                s.firstNanos = 0;
                s.tailLength = 0;
                s.dataMatched = 0;
                s.index = (int) started;
                if (started == warmIndex) {
                    cpuAtWarm = os.getProcessCpuTime();
                }
                s.sentNanos = System.nanoTime();
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    s.channel.write(out); // a few hundred bytes: the socket takes them
                }
                perSecond[(int) Math.min(perSecond.length - 1, (s.sentNanos - origin) / 1_000_000_000L)]++;
                inFlight++;
                if (started == planned - 1) {
                    cpuAtLastStart = os.getProcessCpuTime();
                }
            }
            long next = started < planned ? origin + (long) (started * 1e9 / rate) : now + 100_000_000L;
            long waitMs = (next - System.nanoTime()) / 1_000_000;
            if (gathered > 0 && gatherNanos > 0) {
                LockSupport.parkNanos(Math.min(gatherNanos, Math.max(0, next - System.nanoTime())));
                gathered = selector.selectNow();
            } else if (waitMs > 0) {
                gathered = selector.select(waitMs);
            } else {
                gathered = selector.selectNow();
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Stream s = (Stream) key.attachment();
                buffer.clear();
                int n;
                try {
                    n = s.channel.read(buffer);
                } catch (IOException e) {
                    n = -1;
                }
                long read = System.nanoTime();
                if (n < 0) { // the server closed the connection: in the middle of a stream, that stream failed
                    key.cancel();
                    s.channel.close();
                    if (s.busy) {
                        failed++;
                        inFlight--;
                    } else {
                        idle.remove(s);
                    }
                    continue;
                }
                byte[] b = buffer.array();
                if (s.firstNanos == 0 && seesData(s, b, n)) {
                    s.firstNanos = read;
                }
                if (s.busy && ends(s, b, n)) {
                    s.busy = false;
                    if (s.firstNanos != 0) {
                        ttft[s.index] = s.firstNanos - s.sentNanos;
                        completed++;
                    } else {
                        failed++;
                    }
                    inFlight--;
                    idle.addFirst(s);
                }
            }
        }
        long cpu = os.getProcessCpuTime() - cpuAtStart;
        double warmCpuMs = planned - 1 > warmIndex
                ? (cpuAtLastStart - cpuAtWarm) / 1e6 / (planned - 1 - warmIndex) : Double.NaN;
        report(round, rate, started, seconds, perSecond, completedOf(ttft, 0), completedOf(ttft, warmIndex), failed,
                inFlight, cpu, warmCpuMs, ttftMs);
    }

    /** The TTFTs of the completed streams from start {@code from} on. */
    private static long[] completedOf(long[] ttftByStart, int from) {
        return Arrays.stream(ttftByStart, from, ttftByStart.length).filter(t -> t > 0).toArray();
    }

    /** Whether the bytes complete {@code data:}, carried over from the stream's last read. */
    private static boolean seesData(Stream s, byte[] b, int n) {
        int m = s.dataMatched;
        for (int i = 0; i < n; i++) {
            m = b[i] == DATA[m] ? m + 1 : (b[i] == DATA[0] ? 1 : 0);
            if (m == DATA.length) {
                return true;
            }
        }
        s.dataMatched = m;
        return false;
    }

    /** Whether the answer's bytes so far end with the chunked encoding's last chunk (kept: its last 7 bytes). */
    private static boolean ends(Stream s, byte[] b, int n) {
        int keep = LAST_CHUNK.length;
        if (n >= keep) {
            System.arraycopy(b, n - keep, s.tail, 0, keep);
            s.tailLength = keep;
        } else {
            int drop = Math.max(0, s.tailLength + n - keep);
            System.arraycopy(s.tail, drop, s.tail, 0, s.tailLength - drop);
            s.tailLength -= drop;
            System.arraycopy(b, 0, s.tail, s.tailLength, n);
            s.tailLength += n;
        }
        return s.tailLength == keep && Arrays.equals(s.tail, LAST_CHUNK);
    }

    /**
     * The one request every stream sends: a chat completion of {@code max_tokens}, streamed with usage, whose
     * prompt is {@link #PROMPT_WORDS} words, the size of ours' default synthetic prompt (the simulator reads
     * it to count its tokens, so a shorter one would spare the simulator work ours makes it do).
     */
    private static byte[] request(URI url, int maxTokens) {
        StringBuilder prompt = new StringBuilder();
        String[] words = {"the", "model", "answers", "a", "question", "about", "load", "testing"};
        for (int i = 0; i < PROMPT_WORDS; i++) {
            prompt.append(i == 0 ? "" : " ").append(words[i % words.length]);
        }
        String body = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                + "\"}],\"max_tokens\":" + maxTokens + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
        return (head + body).getBytes(StandardCharsets.UTF_8);
    }

    private static void report(int round, double rate, long started, double seconds, int[] perSecond, long[] ttft,
            long[] warmTtft, int failed, int unfinished, long cpuNanos, double warmCpuMs, double ttftMs) {
        Arrays.sort(warmTtft);
        Arrays.sort(ttft);
        int n = ttft.length;
        double sum = 0;
        double sq = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 1; i < perSecond.length; i++) { // from the 2nd second, as the pacing goals count
            sum += perSecond[i];
            sq += (double) perSecond[i] * perSecond[i];
            min = Math.min(min, perSecond[i]);
            max = Math.max(max, perSecond[i]);
        }
        int k = Math.max(1, perSecond.length - 1);
        double mean = sum / k;
        double cv = mean == 0 ? 0 : Math.sqrt(Math.max(0, sq / k - mean * mean)) / mean * 100;
        long over = Arrays.stream(ttft).filter(t -> t > (ttftMs + 20) * 1e6).count();
        System.out.printf(Locale.ROOT,
                "floor round=%d rate=%.1f started=%d seconds=%.0f per_second_min=%d per_second_max=%d "
                        + "cv_from_2nd_s=%.2f%% completed=%d failed=%d unfinished=%d ttft_p50_ms=%.1f ttft_p90_ms=%.1f "
                        + "ttft_p99_ms=%.1f ttft_max_ms=%.1f "
                        + "over_ttft_plus_20ms=%.2f%% cpu_ms_per_stream=%.3f warm_ttft_p99_ms=%.1f "
                        + "warm_cpu_ms_per_stream=%.3f%n",
                round, rate, started, seconds, min, max, cv, n, failed, unfinished, pct(ttft, 0.50), pct(ttft, 0.90),
                pct(ttft, 0.99), n == 0 ? Double.NaN : ttft[n - 1] / 1e6, n == 0 ? 0 : over * 100.0 / n,
                n == 0 ? 0 : cpuNanos / 1e6 / n, pct(warmTtft, 0.99), warmCpuMs);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN; // no stream to tell (a wave no longer than the warm-up, say): not 0 ms
        }
        int rank = (int) Math.ceil(q * sorted.length); // nearest rank
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6;
    }
}
