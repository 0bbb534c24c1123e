package io.inferencebench.cli.install;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.inferencebench.cli.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code benchmark uninstall --jmeter-home DIR}: undoes {@code benchmark install}. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = "Removes what 'benchmark install' added to a JMeter installation (jars, templates, our block of bin/user.properties).")
public class UninstallCommand implements Callable<Integer> {
    @Option(names = "--jmeter-home", required = true, paramLabel = "DIR",
            description = "The JMeter installation (the folder holding bin/ and lib/).")
    Path jmeterHome;

    @Override
    public Integer call() throws Exception {
        new PluginInstall(jmeterHome, null, new Console(System.out)).uninstall();
        return 0;
    }
}
