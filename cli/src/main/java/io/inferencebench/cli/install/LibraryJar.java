package io.inferencebench.cli.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A jar as an installation sees it: its file, its library name and version (from the file name), the
 * packages of its classes and, where its build recorded them, its Maven coordinates. Two jars are the same
 * library when they hold classes of the same packages, whatever their file names say: JMeter ships
 * {@code annotations-*.jar} (JetBrains) and the AWS SDK brings another {@code annotations-*.jar}.
 */
record LibraryJar(Path file, String name, String version, String groupId, String artifactId, Set<String> packages) {
    private static final Pattern NAME_VERSION = Pattern.compile("(.+?)-(\\d[^/]*)\\.jar");

    static LibraryJar read(Path file) {
        String fileName = file.getFileName().toString();
        Matcher m = NAME_VERSION.matcher(fileName);
        String name = m.matches() ? m.group(1) : fileName.replaceFirst("\\.jar$", "");
        String version = m.matches() ? m.group(2) : "";
        Set<String> packages = new TreeSet<>();
        String groupId = null;
        String artifactId = null;
        try (JarFile jar = new JarFile(file.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String entry = entries.nextElement().getName();
                if (entry.endsWith(".class") && !entry.startsWith("META-INF/") && entry.indexOf('/') > 0
                        && !entry.endsWith("module-info.class") && !entry.endsWith("package-info.class")) {
                    packages.add(entry.substring(0, entry.lastIndexOf('/')));
                } else if (entry.startsWith("META-INF/maven/") && entry.endsWith("/pom.properties")) {
                    Properties pom = new Properties();
                    try (InputStream in = jar.getInputStream(jar.getJarEntry(entry))) {
                        pom.load(in);
                    }
                    groupId = pom.getProperty("groupId");
                    artifactId = pom.getProperty("artifactId");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
        return new LibraryJar(file, name, version, groupId, artifactId, packages);
    }

    /** One of our plugin jars (the build records the group in every jar). */
    boolean isInferenceBench() {
        return "io.inferencebench".equals(groupId);
    }

    /** Whether both hold classes of one package: the same library, maybe in another version. */
    boolean sameLibraryAs(LibraryJar other) {
        return packages.stream().anyMatch(other.packages::contains);
    }

    String fileName() {
        return file.getFileName().toString();
    }
}
