package io.inferencebench.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The pacing benchmark's command line. */
record PacingOptions(int seconds, List<Double> rates, List<Mechanism> mechanisms, String latency, double stallRate,
                     int stallWaveSeconds, String stall, double warmUpRate, int warmUpSeconds, Path out, boolean quick,
                     boolean help, boolean plain, int repeat) {

    static final String USAGE = String.join("\n",
            "Usage: bench/pacing/run [--seconds 20] [--rates 50,500,2000] [--quick] [--no-stall] [--plain]",
            "                        [--mechanisms ours,ptt,ctt,tst,omtg,gatling] [--repeat 1] [--out FILE]",
            "",
            "Runs our Constant RPS Timer and JMeter's pacing alternatives against the endpoint simulator",
            "(50 ms service time, own process), each at every rate, then each through a 3 s server stall",
            "at 500/s, and prints a Markdown report.",
            "  --seconds N      length of each rate run (default 20)",
            "  --rates LIST     target rates in requests/s (default 50,500,2000)",
            "  --quick          a smoke run: 3 s runs at 50,500, a 1 s stall in a 7 s run",
            "  --no-stall       skip the stall runs",
            "  --plain          each run a cold `jmeter -n -t plan.jmx` (stock JVM options, no warm-up) in a",
            "                   JMeter home assembled from the Maven artifacts, our plugins installed with",
            "                   `benchmark install`, after a 5 s warm-up of the simulator (at the top rate,",
            "                   up to 2,000/s); default: every run in this one warmed-up JVM",
            "  --mechanisms L   any of ours (Constant RPS Timer), ptt (Precise Throughput Timer),",
            "                   ctt (Constant Throughput Timer, shared), tst (Throughput Shaping Timer +",
            "                   Concurrency Thread Group), omtg (Open Model Thread Group), gatling (Gatling",
            "                   3.11.5's open model, constantUsersPerSec, in a cold JVM of its own in both",
            "                   modes; no stall run); default all",
            "  --repeat N       run each rate's rows N times (1-10, default 1), the order rotating on every",
            "                   round; the report lists every run and compares the CPU columns' medians,",
            "                   since one run's CPU moves by about 25% on a shared 2-core machine",
            "  --out FILE       also write the report to FILE");

    /** Options the user has to fix: one sentence naming the option and the fix. */
    static final class BadOptionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadOptionException(String message) {
            super(message);
        }
    }

    static PacingOptions parse(String... args) {
        Integer seconds = null;
        List<Double> rates = null;
        List<Mechanism> mechanisms = List.of(Mechanism.values());
        boolean quick = false;
        boolean noStall = false;
        boolean help = false;
        boolean plain = false;
        Path out = null;
        int repeat = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--no-stall" -> noStall = true;
                case "--plain" -> plain = true;
                case "-h", "--help" -> help = true;
                case "--seconds" -> seconds = seconds(value(args, ++i, a));
                case "--rates" -> rates = rates(value(args, ++i, a));
                case "--mechanisms" -> mechanisms = mechanisms(value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--repeat" -> repeat = repeat(value(args, ++i, a));
                default -> throw new BadOptionException("Unknown option '" + a + "': run bench/pacing/run --help for the options.");
            }
        }
        if (quick) {
            return new PacingOptions(seconds == null ? 3 : seconds, rates == null ? List.of(50.0, 500.0) : rates,
                    mechanisms, "50ms", 500, 7, noStall ? null : "4s:1s", 200, 1, out, true, help, plain, repeat);
        }
        return new PacingOptions(seconds == null ? 20 : seconds, rates == null ? List.of(50.0, 500.0, 2000.0) : rates,
                mechanisms, "50ms", 500, 12, noStall ? null : "5s:3s", 500, 5, out, false, help, plain, repeat);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new BadOptionException("Option " + option + " needs a value: see bench/pacing/run --help.");
        }
        return args[i];
    }

    private static int seconds(String v) {
        try {
            int s = Integer.parseInt(v.trim());
            if (s >= 1 && s <= 3600) {
                return s;
            }
        } catch (NumberFormatException e) {
            // the sentence below
        }
        throw new BadOptionException("--seconds '" + v + "' is not a whole number of seconds from 1 to 3600: give e.g. --seconds 20.");
    }

    private static int repeat(String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 10) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the sentence below
        }
        throw new BadOptionException("--repeat '" + v + "' is not a whole number from 1 to 10: give e.g. --repeat 3.");
    }

    private static List<Double> rates(String v) {
        List<Double> rates = new ArrayList<>();
        for (String part : v.split(",")) {
            try {
                double r = Double.parseDouble(part.trim());
                if (r > 0 && r <= 20_000) {
                    rates.add(r);
                    continue;
                }
            } catch (NumberFormatException e) {
                // the sentence below
            }
            throw new BadOptionException("--rates '" + v + "': '" + part.trim()
                    + "' is not a rate above 0 and up to 20000 requests/s; give e.g. --rates 50,500,2000.");
        }
        return List.copyOf(rates);
    }

    private static List<Mechanism> mechanisms(String v) {
        List<Mechanism> list = new ArrayList<>();
        for (String part : v.split(",")) {
            Mechanism m = Mechanism.byKey(part);
            if (m == null) {
                throw new BadOptionException("--mechanisms: unknown '" + part.trim()
                        + "'; use any of ours, ptt, ctt, tst, omtg, gatling (comma-separated).");
            }
            if (!list.contains(m)) {
                list.add(m);
            }
        }
        return List.copyOf(list);
    }

    long stallAtNanos() {
        return durationNanos(stall.substring(0, stall.indexOf(':')));
    }

    long stallForNanos() {
        return durationNanos(stall.substring(stall.indexOf(':') + 1));
    }

    private static long durationNanos(String s) {
        return Math.round(Double.parseDouble(s.replace("s", "")) * 1e9);
    }

    /** Where the JMeter and simulator logs go: beside the report, else the temporary directory. */
    Path logDir() {
        Path dir = out == null ? null : out.toAbsolutePath().getParent();
        return dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
