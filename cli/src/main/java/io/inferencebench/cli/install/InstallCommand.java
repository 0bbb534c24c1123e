package io.inferencebench.cli.install;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.inferencebench.cli.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code benchmark install --jmeter-home DIR}: our plugins, templates and settings in a JMeter 5.6 installation. */
@Command(name = "install", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Installs the InferenceBench plugins into a JMeter 5.6 installation: plugin jars into lib/ext, "
                + "only the libraries JMeter lacks into lib (a library JMeter ships is kept, never doubled; conflicts are named), "
                + "our per-sample columns in sample_variables (bin/user.properties) and our templates under File > Templates. "
                + "'benchmark uninstall' undoes it."})
public class InstallCommand implements Callable<Integer> {
    @Option(names = "--jmeter-home", required = true, paramLabel = "DIR",
            description = "The JMeter installation (the folder holding bin/ and lib/).")
    Path jmeterHome;

    @Option(names = "--plugin-jars", paramLabel = "DIR",
            description = "Where the jars to install are (default: the ones built with this command, cli/target/jmeter-lib-ext).")
    Path pluginJars;

    @Override
    public Integer call() throws Exception {
        new PluginInstall(jmeterHome, pluginJars == null ? PluginInstall.builtPluginJars() : pluginJars,
                new Console(System.out)).install();
        return 0;
    }
}
