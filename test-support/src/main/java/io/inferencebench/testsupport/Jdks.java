package io.inferencebench.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDKs installed beside the one running the tests, found where the {@code benchmark} launcher looks
 * ({@code JAVA_HOME}, {@code /usr/lib/jvm}, {@code /Library/Java/JavaVirtualMachines}), by their
 * {@code release} file. Tests of virtual threads run their JMeter on the newest one of Java 21 or later.
 */
public final class Jdks {
    private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

    private Jdks() {
    }

    /** The {@code java} of the newest JDK whose feature version is at least {@code feature}, if one is here. */
    public static Optional<Path> newestJava(int feature) {
        List<Path> homes = new ArrayList<>();
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            homes.add(Path.of(javaHome));
        }
        homes.add(Path.of(System.getProperty("java.home")));
        for (String dir : List.of("/usr/lib/jvm", "/Library/Java/JavaVirtualMachines")) {
            try (Stream<Path> s = Files.list(Path.of(dir))) {
                s.forEach(p -> homes.add(Files.isDirectory(p.resolve("Contents/Home")) ? p.resolve("Contents/Home") : p));
            } catch (IOException e) {
                // not on this system
            }
        }
        return homes.stream().filter(h -> Files.isExecutable(h.resolve("bin/java")))
                .filter(h -> feature(h) >= feature)
                .max(Comparator.comparingInt(Jdks::feature))
                .map(h -> h.resolve("bin/java"));
    }

    /** The feature version a JDK home's {@code release} file names, or 0. */
    public static int feature(Path home) {
        try {
            Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
