package io.inferencebench.cli.launch;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import io.inferencebench.cli.JMeterHome;
import io.inferencebench.cli.install.PluginInstall;
import io.inferencebench.wave.SampleFields;

/**
 * JMeter itself (GUI or remote engine) in a child JVM, on this command's class path and its embedded JMeter
 * home: the user needs no JMeter installation. JMeter finds elements and functions only in the jars its
 * {@code search_paths} names (the embedded home's lib/ext is empty), so those are JMeter's own jars and
 * our plugin jars.
 */
final class JMeterProcess {
    /** Classes whose jars hold what JMeter must scan: its own elements and functions, and ours. */
    private static final List<String> SCANNED = List.of("org.apache.jmeter.testelement.TestPlan",
            "org.apache.jmeter.timers.ConstantTimer", "org.apache.jmeter.protocol.http.sampler.HTTPSamplerProxy",
            "org.apache.jmeter.functions.Property", "io.inferencebench.pacing.ConstantRpsTimer",
            "io.inferencebench.python.PythonFactorySampler", "io.inferencebench.metrics.ServerMetricsListener",
            "io.inferencebench.report.ExcelSummaryListener");

    private JMeterProcess() {
    }

    /**
     * Runs JMeter with {@code args} until it ends (or this command is stopped, which stops it) and returns
     * its exit code. JVM options come from {@code JVM_ARGS}, as for JMeter's own scripts, after the
     * launcher's defaults ({@link JvmOptions}).
     */
    static int run(List<String> systemProperties, List<String> args) throws IOException, InterruptedException {
        Path home = JMeterHome.initialise();
        PluginInstall.registerTemplates(home);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmOptions.withDefaults(System.getenv("JVM_ARGS")));
        if (Runtime.version().feature() >= 22) {
            // the OpenAI sampler's tokenizer (DJL, through JNA) calls a restricted method; Java 22+ warns about it
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 23) {
            // JMeter's XStream reads fields through sun.misc.Unsafe; Java 24+ warns about it on every start
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-Dlog4j.configurationFile=" + home.resolve("bin/log4j2.xml"));
        // JMeter's launcher class, which JMeter asks for its home, reads it from here (else from the class path)
        command.add("-Djmeter.home=" + home);
        java.nio.file.Files.createDirectories(home.resolve("lib/junit")); // the launcher lists it, empty is fine
        command.addAll(systemProperties);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath()));
        command.add(JMeterMain.class.getName());
        command.addAll(List.of("-d", home.toString(), "-p", home.resolve("bin/jmeter.properties").toString()));
        command.add("-Jsearch_paths=" + searchPaths());
        command.add("-Jsample_variables=" + String.join(",", SampleFields.ALL));
        command.add("-Jtemplate.files=/bin/templates/templates.xml," + PluginInstall.TEMPLATES_XML_FROM_HOME);
        command.addAll(args);
        Process jmeter = new ProcessBuilder(command).inheritIO().start();
        Thread stopper = new Thread(jmeter::destroy, "stop JMeter");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            return jmeter.waitFor();
        } finally {
            if (!jmeter.isAlive()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway; the process has ended
                }
            }
        }
    }

    private static String searchPaths() {
        Set<String> jars = new LinkedHashSet<>();
        for (String name : SCANNED) {
            try {
                jars.add(Path.of(Class.forName(name, false, JMeterProcess.class.getClassLoader())
                        .getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new IllegalStateException("Not on the class path: " + name, e);
            }
        }
        return jars.stream().collect(Collectors.joining(";"));
    }

    /** This JVM's class path, entry by entry (a launcher jar's manifest Class-Path expanded). */
    static List<String> classPath() throws IOException {
        String classPath = System.getProperty("java.class.path");
        if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return List.of(classPath.split(File.pathSeparator));
        }
        try (JarFile launcher = new JarFile(classPath)) {
            Manifest manifest = launcher.getManifest();
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
}
