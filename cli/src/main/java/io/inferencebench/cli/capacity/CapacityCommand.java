package io.inferencebench.cli.capacity;

import picocli.CommandLine.Command;

/** {@code benchmark capacity ...}: probes of how much load this client machine can generate. */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = "Client-capacity probes: how much load this machine can generate.",
        subcommands = {WorkerSaturationCommand.class, RpsSaturationCommand.class, FdLimitCommand.class})
public class CapacityCommand {
}
