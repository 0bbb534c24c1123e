package io.inferencebench.cli;

import io.inferencebench.input.UserInputProblem;

/** Input the user can fix: the message is one sentence naming the problem and the fix; exit code 2. */
public class BadInputException extends RuntimeException implements UserInputProblem {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }
}
