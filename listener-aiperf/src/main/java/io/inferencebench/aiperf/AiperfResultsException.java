package io.inferencebench.aiperf;

/** aiperf ran but its files do not give results: the message says which file and why. */
public class AiperfResultsException extends RuntimeException {
    public AiperfResultsException(String message) {
        super(message);
    }
}
