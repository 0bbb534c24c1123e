package io.inferencebench.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;

/**
 * A JMeter 5.6.3 installation laid out as the binary distribution, assembled from the test's class path:
 * the launcher as {@code bin/ApacheJMeter.jar}, JMeter's {@code bin/}, libraries in {@code lib/}, JMeter's
 * and our plugin jars in {@code lib/ext}. Real {@code jmeter} and {@code jmeter-server} processes run from
 * it, so a test sees what a user's installation does.
 */
public final class JMeterInstallation {
    /** Modules whose classes a JMeter installation never holds: they drive JMeter, or test it. */
    private static final Set<String> NOT_PLUGINS = Set.of("cli", "bench", "endpoint-simulator", "test-support");

    private JMeterInstallation() {
    }

    /** Assembles the installation in {@code home} (created if missing) and returns it. */
    public static Path assemble(Path home) throws IOException {
        EmbeddedJMeterHome.unpackBin(home);
        Path lib = Files.createDirectories(home.resolve("lib"));
        Path ext = Files.createDirectories(home.resolve("lib/ext"));
        for (String entry : classPath()) {
            Path p = Path.of(entry);
            if (p.getFileName() == null) {
                continue;
            }
            String name = p.getFileName().toString();
            if (Files.isDirectory(p)) {
                // a reactor module's classes, not yet packaged: jar them as the build would
                String module = module(p);
                if (module != null && !NOT_PLUGINS.contains(module)) {
                    jar(p, ext.resolve("inferencebench-" + module + ".jar"));
                }
            } else if (name.startsWith("ApacheJMeter-")) {
                Files.copy(p, home.resolve("bin/ApacheJMeter.jar"));
            } else if (name.startsWith("ApacheJMeter_")) {
                Files.copy(p, ext.resolve(name));
            } else if (name.startsWith("jmeter-plugins-") && name.endsWith(".jar")) {
                Files.copy(p, ext.resolve(name));
            } else if (name.startsWith("inferencebench-") && name.endsWith(".jar")) {
                // a reactor build's own jars (their final names): plugins to lib/ext, the rest nowhere
                String module = name.substring("inferencebench-".length()).replaceFirst("-\\d.*$", "");
                if (!NOT_PLUGINS.contains(module) && !module.equals("templates")) {
                    Files.copy(p, ext.resolve(name));
                }
            } else if (name.endsWith(".jar") && !isTestOnly(name)
                    && NOT_PLUGINS.stream().noneMatch(m -> name.startsWith(m + "-"))) {
                Files.copy(p, lib.resolve(name));
            }
        }
        if (!Files.exists(home.resolve("bin/ApacheJMeter.jar"))) {
            throw new IllegalStateException("No JMeter launcher (ApacheJMeter-5.6.3.jar) on the test class path");
        }
        try (Stream<Path> jars = Files.list(ext)) {
            if (jars.map(j -> j.getFileName().toString())
                    .noneMatch(n -> n.equals("inferencebench-jmeter-plugins.jar") || n.startsWith("jmeter-plugins-0")
                            || n.startsWith("inferencebench-core-"))) {
                throw new IllegalStateException("The InferenceBench core plugin jar is missing from " + ext);
            }
        }
        return home;
    }

    /**
     * Runs {@code plan} with this installation's {@code jmeter -n}, as a CI job does, in {@code dir} (created:
     * its {@code jmeter.log}, {@code console.txt} and {@code ib.run.dir}), with {@code args} added; fails unless
     * JMeter ends by itself with exit 0 within 180 s, and returns its console.
     */
    public static String runNonGui(Path home, Path plan, Path dir, String... args) throws IOException, InterruptedException {
        return runNonGui(JMeterServers.javaExecutable(), List.of(), home, plan, dir, args);
    }

    /** {@link #runNonGui(Path, Path, Path, String...)} on the {@code java} given, with these JVM options. */
    public static String runNonGui(String java, List<String> jvmOptions, Path home, Path plan, Path dir, String... args)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", home.resolve("bin/ApacheJMeter.jar").toString(), "-n", "-t", plan.toString(),
                "-j", dir.resolve("jmeter.log").toString(), "-Jib.run.dir=" + dir));
        command.addAll(List.of(args));
        Process jmeter = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.txt").toFile()).start();
        boolean ended = jmeter.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            jmeter.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String console = Files.readString(dir.resolve("console.txt"));
        Assertions.assertTrue(ended, () -> "jmeter -n did not finish in 180 s:\n" + console);
        Assertions.assertEquals(0, jmeter.exitValue(), () -> "jmeter -n exit code:\n" + console);
        return console;
    }

    /** Maven groups of the libraries only our plugins need: JMeter's own distribution has none of them. */
    private static final List<String> ONLY_OURS = List.of("org/hdrhistogram/", "org/apache/poi/", "org/apache/xmlbeans/",
            "com/zaxxer/", "com/github/virtuald/", "org/jfree/", "software/amazon/awssdk/", "info/picocli/",
            "io/inferencebench/");

    /**
     * A fresh JMeter 5.6.3 installation without our plugins, as a user unpacks it: the launcher, JMeter's
     * {@code bin/}, JMeter's jars in {@code lib/ext} and the libraries JMeter brings in {@code lib}
     * (the test class path's jars, less our modules and the libraries only they need).
     */
    public static Path assembleWithoutPlugins(Path home) throws IOException {
        EmbeddedJMeterHome.unpackBin(home);
        Path lib = Files.createDirectories(home.resolve("lib"));
        Path ext = Files.createDirectories(home.resolve("lib/ext"));
        for (String entry : classPath()) {
            Path p = Path.of(entry);
            if (p.getFileName() == null || Files.isDirectory(p)) {
                continue;
            }
            String name = p.getFileName().toString();
            String where = p.toString().replace('\\', '/');
            if (name.startsWith("ApacheJMeter-")) {
                Files.copy(p, home.resolve("bin/ApacheJMeter.jar"));
            } else if (name.startsWith("ApacheJMeter_")) {
                Files.copy(p, ext.resolve(name));
            } else if (name.endsWith(".jar") && !isTestOnly(name) && ONLY_OURS.stream().noneMatch(where::contains)
                    && !holdsOurClasses(p)) {
                Files.copy(p, lib.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.exists(home.resolve("bin/ApacheJMeter.jar"))) {
            throw new IllegalStateException("No JMeter launcher (ApacheJMeter-5.6.3.jar) on the test class path");
        }
        return home;
    }

    /** Our modules' jars, wherever the build put them (a reactor build leaves them in each target/). */
    private static boolean holdsOurClasses(Path jar) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            return jf.getEntry("io/inferencebench/") != null || jf.stream().anyMatch(e -> e.getName().startsWith("io/inferencebench/"));
        }
    }

    /** {@code X} for {@code .../X/target/classes}, else null (test classes, other folders). */
    private static String module(Path classes) {
        Path target = classes.getParent();
        if (!classes.getFileName().toString().equals("classes") || target == null
                || !target.getFileName().toString().equals("target") || target.getParent() == null) {
            return null;
        }
        return target.getParent().getFileName().toString();
    }

    /** The test class path as separate entries (surefire may hide it behind a manifest-only jar). */
    static List<String> classPath() throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return List.of(classPath.split(File.pathSeparator));
        }
        try (JarFile booter = new JarFile(classPath)) {
            Manifest manifest = booter.getManifest();
            String entries = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (entries == null) {
                return List.of(classPath);
            }
            List<String> paths = new ArrayList<>();
            for (String url : entries.trim().split("\\s+")) {
                paths.add(Path.of(URI.create(url)).toString());
            }
            return paths;
        }
    }

    private static boolean isTestOnly(String jar) {
        return Stream.of("junit-", "assertj-", "opentest4j", "apiguardian", "surefire", "byte-buddy")
                .anyMatch(jar::startsWith);
    }

    private static void jar(Path classes, Path target) throws IOException {
        // a manifest like every real jar: JMeter's class scanning reads it (remote runs scan lib/ext)
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream os = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(os, manifest);
             Stream<Path> files = Files.walk(classes)) {
            List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile).toList());
            for (Path f : all) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
    }
}
