package io.inferencebench.cli.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.inferencebench.cli.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code benchmark gui [plan.jmx]}: JMeter's GUI with our elements and templates, no JMeter install needed. */
@Command(name = "gui", mixinStandardHelpOptions = true,
        description = {"Opens the JMeter 5.6.3 GUI with the InferenceBench elements (Add > Timer, Sampler, Listener) and "
                + "templates (File > Templates...), from the command's embedded JMeter home: no JMeter installation needed.",
                "Other JMeter options (-J, -G, -D, -q, ...) are passed on. JVM options: the JVM_ARGS environment variable, after the defaults -Xms1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 (each left out when JVM_ARGS sets its own)."})
public class GuiCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "PLAN.jmx", description = "A test plan to open.")
    Path plan;

    @Unmatched
    List<String> jmeterOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(jmeterOptions);
        if (plan != null) {
            if (!Files.isRegularFile(plan)) {
                throw new BadInputException("The test plan " + plan + " does not exist: give the path of a .jmx file.");
            }
            args.addAll(List.of("-t", plan.toAbsolutePath().toString()));
        }
        return JMeterProcess.run(List.of(), args);
    }
}
