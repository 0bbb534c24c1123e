package io.inferencebench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.apache.jmeter.util.JMeterUtils;

/**
 * A JMeter home ({@code bin/jmeter.properties}, {@code saveservice.properties}, ...) unpacked once from
 * the ApacheJMeter_config artifact into a cache directory, so the embedded engine runs exactly as
 * {@code jmeter -n} would.
 */
public final class JMeterHome {
    public static final String VERSION = "5.6.3";
    private static volatile boolean initialised;

    private JMeterHome() {
    }

    /** The cache directory: {@code $IB_CACHE_DIR} or {@code ~/.cache/inferencebench}, then {@code jmeter-5.6.3}. */
    public static Path location() {
        String env = System.getenv("IB_CACHE_DIR");
        Path base = env != null && !env.isBlank() ? Paths.get(env)
                : Paths.get(System.getProperty("user.home"), ".cache", "inferencebench");
        return base.resolve("jmeter-" + VERSION);
    }

    /** Unpacks the home when missing and points JMeter's static configuration at it (once per JVM). */
    public static synchronized Path initialise() {
        Path home = location();
        if (initialised) {
            return home;
        }
        try {
            if (!Files.exists(home.resolve("bin/.complete"))) {
                unpack(home);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the JMeter home in " + home, e);
        }
        JMeterUtils.setJMeterHome(home.toString());
        JMeterUtils.loadJMeterProperties(home.resolve("bin/jmeter.properties").toString());
        JMeterUtils.setLocale(java.util.Locale.ENGLISH);
        JMeterUtils.initLocale();
        // Headless CLI: no GUI class lookups, no exit from the engine at test end
        JMeterUtils.setProperty("jmeterengine.nongui.port", "0");
        JMeterUtils.setProperty("jmeter.save.saveservice.output_format", "csv");
        JMeterUtils.setProperty("jmeter.save.saveservice.timestamp_format", "ms");
        JMeterUtils.setProperty("jmeterengine.force.system.exit", "false");
        JMeterUtils.setProperty("jmeterengine.stopfail.system.exit", "false");
        JMeterUtils.setProperty("summariser.out", "false");
        JMeterUtils.setProperty("summariser.log", "false");
        // JMeter finds functions (__P, ...) by scanning jars: point it at the ones on our class path
        JMeterUtils.setProperty("search_paths", jarOf(org.apache.jmeter.functions.Property.class));
        initialised = true;
        return home;
    }

    private static void unpack(Path home) throws IOException {
        Path staging = Files.createTempDirectory(home.getParent() == null ? Paths.get(".")
                : Files.createDirectories(home.getParent()), "jmeter-home-");
        unpackBin(staging);
        Files.createDirectories(staging.resolve("lib/ext"));
        Files.writeString(staging.resolve("bin/.complete"), VERSION + "\n");
        try {
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            // another process prepared it first: theirs is as good as ours
            if (!Files.exists(home.resolve("bin/.complete"))) {
                throw raced;
            }
        }
    }

    /** Writes JMeter's {@code bin/} (properties, templates, report templates) under {@code home}. */
    static void unpackBin(Path staging) throws IOException {
        Path jar = configJar();
        try (JarFile jf = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (!e.getName().startsWith("bin/")) {
                    continue;
                }
                Path out = staging.resolve(e.getName()).normalize();
                if (!out.startsWith(staging)) {
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jf.getInputStream(e)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private static String jarOf(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ApacheJMeter_config jar on our class path (it holds {@code bin/}). */
    static Path configJar() {
        java.net.URL url = JMeterHome.class.getClassLoader().getResource("bin/jmeter.properties");
        if (url == null || !"jar".equals(url.getProtocol())) {
            throw new IllegalStateException("ApacheJMeter_config is not on the class path: rebuild with ./benchmark");
        }
        String spec = url.getPath();
        try {
            return Paths.get(new java.net.URI(spec.substring(0, spec.indexOf("!/"))));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
