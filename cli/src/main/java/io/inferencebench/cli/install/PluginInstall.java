package io.inferencebench.cli.install;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.inferencebench.cli.BadInputException;
import io.inferencebench.cli.Console;
import io.inferencebench.wave.SampleFields;

/**
 * Installs our plugins into a JMeter home the way JMeter expects: plugin jars in {@code lib/ext} (the only
 * jars JMeter scans for elements and functions, at every test start, so only ours go there), the
 * libraries JMeter lacks in {@code lib}, never a second copy or version of one it ships, our per-sample
 * columns in {@code sample_variables} and our templates in File > Templates. Every file it adds is listed in
 * {@code bin/inferencebench-installed.txt}, which uninstall follows.
 */
public final class PluginInstall {
    static final String RECORD = "bin/inferencebench-installed.txt";
    static final String TEMPLATES_DIR = "bin/templates/inferencebench";
    static final String TEMPLATES_XML = "bin/templates/inferencebench-templates.xml";
    /** Our templates file as JMeter's template.files names it: from the JMeter home. */
    public static final String TEMPLATES_XML_FROM_HOME = "/" + TEMPLATES_XML;
    /** Files of the templates module, under its resource folder. */
    static final List<String> TEMPLATE_FILES = List.of("http-constant-rate.jmx", "python-factories-constant-rate.jmx", "llm-token-metrics.jmx",
            "factories_json_stdlib.py");
    private static final String TEMPLATE_RESOURCES = "/io/inferencebench/templates/";

    private final JMeterHomeDir home;
    private final Path pluginJars;
    private final Console console;

    public PluginInstall(Path jmeterHome, Path pluginJars, Console console) {
        this.home = JMeterHomeDir.of(jmeterHome);
        this.pluginJars = pluginJars;
        this.console = console;
    }

    /** The jars built with this command: {@code target/jmeter-lib-ext} beside its own jar or classes. */
    public static Path builtPluginJars() {
        try {
            Path self = Path.of(PluginInstall.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/benchmark-lib/cli.jar (the launcher) or target/classes (a build or a test)
            Path target = Files.isDirectory(self) ? self.getParent() : self.getParent().getParent();
            return target.resolve("jmeter-lib-ext");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Installs (replacing an earlier install of ours) and prints what it did and every conflict it found. */
    public void install() throws IOException {
        List<LibraryJar> bundle = JMeterHomeDir.jars(pluginJars);
        if (bundle.stream().noneMatch(LibraryJar::isInferenceBench)) {
            throw new BadInputException("No InferenceBench plugin jars in " + pluginJars + ": build them with "
                    + "'./mvnw -B -DskipTests package' (or run ./benchmark once), or pass --plugin-jars DIR.");
        }
        if (Files.exists(home.home().resolve(RECORD))) {
            console.println("Replacing the earlier InferenceBench install in " + home.home());
            uninstall();
        }
        refuseManualCopies();

        List<String> added = new ArrayList<>();
        List<LibraryJar> jmeterJars = new ArrayList<>(JMeterHomeDir.jars(home.lib()));
        jmeterJars.addAll(JMeterHomeDir.jars(home.libExt()));
        int plugins = 0;
        int libraries = 0;
        for (LibraryJar jar : bundle) {
            if (jar.isInferenceBench()) {
                Path target = home.libExt().resolve("inferencebench-" + pluginName(jar) + "-" + jar.version() + ".jar");
                copy(jar.file(), target, added);
                plugins++;
                continue;
            }
            Optional<LibraryJar> shipped = jmeterJars.stream().filter(jar::sameLibraryAs).findFirst();
            if (shipped.isPresent()) {
                LibraryJar theirs = shipped.get();
                console.println("  kept JMeter's " + relative(theirs.file()) + (theirs.version().equals(jar.version()) ? ""
                        : " (we were built with " + jar.fileName() + "; a second version of one library would clash)"));
                continue;
            }
            Path target = home.lib().resolve(jar.fileName());
            Optional<LibraryJar> namesake = jmeterJars.stream().filter(j -> j.name().equals(jar.name())).findFirst();
            if (namesake.isPresent()) {
                // another library under the same name (JetBrains' and the AWS SDK's annotations-*.jar): two
                // "versions" of one jar to a reader, or to a plugin manager that keeps only the newest
                String renamed = (jar.groupId() == null ? "other" : lastSegment(jar.groupId())) + "-" + jar.fileName();
                console.println("  name conflict: " + relative(namesake.get().file()) + " is another library than our "
                        + jar.fileName() + ", which goes in as lib/" + renamed);
                target = home.lib().resolve(renamed);
            }
            copy(jar.file(), target, added);
            libraries++;
        }

        for (String file : TEMPLATE_FILES) {
            copyResource(file, home.home().resolve(TEMPLATES_DIR).resolve(file), added);
        }
        copyResource("templates.xml", home.home().resolve(TEMPLATES_XML), added);

        boolean hadUserProperties = Files.exists(home.userProperties());
        UserPropertiesBlock.write(home, List.of(
                new String[] {"sample_variables", String.join(",", SampleFields.ALL)},
                new String[] {"template.files", TEMPLATES_XML_FROM_HOME, "/bin/templates/templates.xml"}));
        if (!hadUserProperties) {
            added.add("bin/user.properties");
        }
        Files.writeString(home.home().resolve(RECORD), "# files 'benchmark install' added; 'benchmark uninstall' removes them\n"
                + String.join("\n", added) + "\n", StandardCharsets.UTF_8);
        console.println("Installed InferenceBench into " + home.home() + ": " + plugins + " plugin jars in lib/ext, "
                + libraries + " libraries JMeter lacks in lib, " + (TEMPLATE_FILES.size() - 1) + " templates (File > Templates...), "
                + "sample_variables in bin/user.properties. Undo: benchmark uninstall --jmeter-home " + home.home());
    }

    /** Puts our templates into a JMeter home of our own (benchmark gui's), where nothing needs undoing. */
    public static void registerTemplates(Path jmeterHome) throws IOException {
        for (String file : TEMPLATE_FILES) {
            writeResource(file, jmeterHome.resolve(TEMPLATES_DIR).resolve(file));
        }
        writeResource("templates.xml", jmeterHome.resolve(TEMPLATES_XML));
    }

    /** Removes every file install added and our block of user.properties. */
    public void uninstall() throws IOException {
        Path record = home.home().resolve(RECORD);
        if (!Files.exists(record)) {
            throw new BadInputException("No InferenceBench install in " + home.home() + " (no " + RECORD
                    + "): nothing to undo; a manual copy is removed by deleting the jars it copied.");
        }
        int removed = 0;
        boolean createdUserProperties = false;
        for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("bin/user.properties")) {
                createdUserProperties = true;
                continue;
            }
            Path file = home.home().resolve(line).normalize();
            if (file.startsWith(home.home()) && Files.deleteIfExists(file)) {
                removed++;
            }
        }
        Files.deleteIfExists(home.home().resolve(TEMPLATES_DIR));
        UserPropertiesBlock.removeFrom(home);
        if (createdUserProperties && Files.exists(home.userProperties())
                && Files.readString(home.userProperties(), StandardCharsets.ISO_8859_1).isBlank()) {
            Files.delete(home.userProperties());
        }
        Files.delete(record);
        console.println("Uninstalled InferenceBench from " + home.home() + ": " + removed + " files removed, "
                + "bin/user.properties as it was.");
    }

    /**
     * The README's old route copied every jar into lib/ext under Maven's names; installing beside such a
     * copy would load two of each class, so the user removes it first.
     */
    private void refuseManualCopies() {
        for (LibraryJar jar : JMeterHomeDir.jars(home.libExt())) {
            if (jar.isInferenceBench()) {
                throw new BadInputException("lib/ext/" + jar.fileName() + " in " + home.home() + " is an InferenceBench jar "
                        + "copied by hand: remove it (and the libraries copied with it from jmeter-lib-ext) and run "
                        + "benchmark install again.");
            }
        }
    }

    /** What the jar is to a user: the core for the jmeter-plugins module, else its module name. */
    private static String pluginName(LibraryJar jar) {
        String artifact = jar.artifactId() == null ? jar.name() : jar.artifactId();
        return artifact.equals("jmeter-plugins") ? "core" : artifact;
    }

    private static String lastSegment(String groupId) {
        return groupId.substring(groupId.lastIndexOf('.') + 1);
    }

    private String relative(Path file) {
        return home.home().relativize(file).toString();
    }

    private void copy(Path from, Path to, List<String> added) throws IOException {
        Files.createDirectories(to.getParent());
        // a JMeter started while a jar is copied in place would put a half-written jar on its class path
        replace(to, aside -> Files.copy(from, aside, StandardCopyOption.REPLACE_EXISTING));
        added.add(relative(to));
    }

    private void copyResource(String name, Path to, List<String> added) throws IOException {
        writeResource(name, to);
        added.add(relative(to));
    }

    private static void writeResource(String name, Path to) throws IOException {
        try (InputStream in = PluginInstall.class.getResourceAsStream(TEMPLATE_RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("The templates module is not on the class path (no " + name + ")");
            }
            Files.createDirectories(to.getParent());
            // two engines or GUIs started at once on one JMeter home (benchmark server twice) each write the
            // templates, and a copy that deletes the target and creates it anew fails with
            // FileAlreadyExistsException when the other lands between
            replace(to, aside -> Files.copy(in, aside, StandardCopyOption.REPLACE_EXISTING));
        }
    }

    /** Writes a file's new content aside ({@code .NAME...tmp}, which no class path or template list takes) and renames it over {@code to}. */
    private static void replace(Path to, Writer write) throws IOException {
        Path aside = Files.createTempFile(to.getParent(), "." + to.getFileName(), ".tmp");
        try {
            // REPLACE_EXISTING writes a new file over the empty temporary one: the umask's permissions, not 0600
            write.into(aside);
            Files.move(aside, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(aside);
        }
    }

    @FunctionalInterface
    private interface Writer {
        void into(Path file) throws IOException;
    }
}
