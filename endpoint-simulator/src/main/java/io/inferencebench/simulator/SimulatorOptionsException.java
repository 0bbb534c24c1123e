package io.inferencebench.simulator;

/**
 * A simulator setting the user got wrong (bad option value, port in use). The message is one
 * sentence naming the option and the fix; the command line maps this exception to exit code 2.
 */
public class SimulatorOptionsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulatorOptionsException(String message) {
        super(message);
    }

    public SimulatorOptionsException(String message, Throwable cause) {
        super(message, cause);
    }
}
