package io.inferencebench.cli.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import io.inferencebench.cli.BadInputException;

/** A JMeter 5.6 installation given with {@code --jmeter-home}: {@code bin/}, {@code lib/} and {@code lib/ext}. */
record JMeterHomeDir(Path home) {
    static JMeterHomeDir of(Path given) {
        Path home = given.toAbsolutePath().normalize();
        if (!Files.isDirectory(home)) {
            throw new BadInputException("--jmeter-home " + given + " is not a directory: give the folder of a JMeter 5.6 "
                    + "installation (the one holding bin/ and lib/).");
        }
        if (!Files.isRegularFile(home.resolve("bin/ApacheJMeter.jar")) || !Files.isDirectory(home.resolve("lib/ext"))) {
            throw new BadInputException("--jmeter-home " + given + " is not a JMeter installation (no bin/ApacheJMeter.jar "
                    + "or lib/ext/): give the folder that holds JMeter's bin/ and lib/.");
        }
        JMeterHomeDir dir = new JMeterHomeDir(home);
        String version = dir.version();
        if (version != null && !version.startsWith("5.6")) {
            throw new BadInputException("--jmeter-home " + given + " is JMeter " + version + ": our plugins need JMeter 5.6.x; "
                    + "install JMeter 5.6.3 or use the command's own (benchmark gui, benchmark server).");
        }
        return dir;
    }

    Path lib() {
        return home.resolve("lib");
    }

    Path libExt() {
        return home.resolve("lib/ext");
    }

    Path templates() {
        return home.resolve("bin/templates");
    }

    Path userProperties() {
        return home.resolve("bin/user.properties");
    }

    /** JMeter's version from its core jar's manifest, or null when the manifest does not say. */
    String version() {
        for (LibraryJar jar : jars(libExt())) {
            if (jar.fileName().startsWith("ApacheJMeter_core")) {
                try (JarFile core = new JarFile(jar.file().toFile())) {
                    return core.getManifest() == null ? null
                            : core.getManifest().getMainAttributes().getValue("Implementation-Version");
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The jars directly in {@code dir}, sorted by name. */
    static List<LibraryJar> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .sorted().map(LibraryJar::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
