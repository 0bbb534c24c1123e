package io.inferencebench.metrics;

import org.apache.jmeter.util.JMeterUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A JMeter home for the tests: {@code bin/} unpacked from the ApacheJMeter_config artifact into a
 * temporary directory, and JMeter's static configuration pointed at it, as {@code jmeter} does.
 */
final class TestJMeterHome {

    private static Path home;

    private TestJMeterHome() {
    }

    static synchronized Path initialise() {
        if (home != null) {
            return home;
        }
        try {
            Path dir = Files.createTempDirectory("jmeter-home");
            Path jar = Path.of(JMeterUtils.class.getClassLoader().getResource("bin/jmeter.properties").toURI()
                    .getSchemeSpecificPart().replaceFirst("^file:", "").replaceFirst("!/bin/jmeter.properties$", ""));
            try (JarFile config = new JarFile(jar.toFile())) {
                for (Enumeration<JarEntry> entries = config.entries(); entries.hasMoreElements(); ) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().startsWith("bin/") && !entry.isDirectory()) {
                        Path target = dir.resolve(entry.getName());
                        Files.createDirectories(target.getParent());
                        try (InputStream in = config.getInputStream(entry)) {
                            Files.copy(in, target);
                        }
                    }
                }
            }
            Files.createDirectories(dir.resolve("lib/ext"));
            JMeterUtils.setJMeterHome(dir.toString());
            JMeterUtils.loadJMeterProperties(dir.resolve("bin/jmeter.properties").toString());
            JMeterUtils.setLocale(java.util.Locale.ENGLISH);
            JMeterUtils.initLocale();
            JMeterUtils.setProperty("server.rmi.ssl.disable", "true");
            System.setProperty("java.rmi.server.hostname", "127.0.0.1");
            JMeterUtils.setProperty("jmeterengine.force.system.exit", "false");
            home = dir;
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
