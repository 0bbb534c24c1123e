package io.inferencebench.cli;

/** Input the user can fix: the message is one sentence naming the problem and the fix; exit code 2. */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }
}
