package io.inferencebench.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.util.JMeterUtils;

import io.inferencebench.wave.SampleFields;

/**
 * The JMeter home of an engine running inside the test JVM: JMeter's own {@code bin/} (from the
 * ApacheJMeter_config artifact) in a temporary directory, with JMeter's static configuration pointed at
 * it, as {@code jmeter -n} would. One per test JVM: JMeter's configuration is static.
 */
public final class EmbeddedJMeterHome {
    private static Path home;

    private EmbeddedJMeterHome() {
    }

    /** Prepares the home on first use and returns it; later calls return the same home. */
    public static synchronized Path initialise() {
        if (home != null) {
            return home;
        }
        try {
            Path dir = Files.createTempDirectory("jmeter-home");
            unpackBin(dir);
            Files.createDirectories(dir.resolve("lib/ext"));
            JMeterUtils.setJMeterHome(dir.toString());
            JMeterUtils.loadJMeterProperties(dir.resolve("bin/jmeter.properties").toString());
            // the GUI's bundles (display names) are asserted in English
            JMeterUtils.setLocale(Locale.ENGLISH);
            JMeterUtils.initLocale();
            // Our per-sample fields travel with every SampleEvent, as they do to JTL files and to a
            // controller; SampleEvent reads the list once, so it is read again in case it was loaded.
            JMeterUtils.setProperty("sample_variables", String.join(",", SampleFields.ALL));
            SampleEvent.initSampleVariables();
            // the controller side of RMI for tests with jmeter-server engines: loopback, no SSL
            JMeterUtils.setProperty("server.rmi.ssl.disable", "true");
            System.setProperty("java.rmi.server.hostname", "127.0.0.1");
            // a test ending must never end the test JVM
            JMeterUtils.setProperty("jmeterengine.force.system.exit", "false");
            home = dir;
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes JMeter's {@code bin/} (properties, templates, report templates) under {@code home}. */
    public static void unpackBin(Path home) throws IOException {
        try (JarFile config = new JarFile(configJar().toFile())) {
            for (Enumeration<JarEntry> entries = config.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                Path target = home.resolve(entry.getName()).normalize();
                if (!entry.getName().startsWith("bin/") || !target.startsWith(home)) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = config.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    /** The ApacheJMeter_config jar on the test class path: it holds {@code bin/}. */
    private static Path configJar() {
        URL url = JMeterUtils.class.getClassLoader().getResource("bin/jmeter.properties");
        if (url == null || !"jar".equals(url.getProtocol())) {
            throw new IllegalStateException("ApacheJMeter_config is not on the test class path (" + url
                    + "): depend on test-support, which brings it");
        }
        String spec = url.getPath();
        try {
            return Path.of(new java.net.URI(spec.substring(0, spec.indexOf("!/"))));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
