package io.inferencebench.python;

import io.inferencebench.input.UserInputProblem;

/**
 * A factories file (or the Python that should run it) cannot serve a wave. The message is one
 * sentence naming the problem and the fix; callers show it as is and exit with code 2.
 */
public class FactoriesException extends Exception implements UserInputProblem {
    private static final long serialVersionUID = 1L;

    public FactoriesException(String sentence) {
        super(sentence);
    }

    public FactoriesException(String sentence, Throwable cause) {
        super(sentence, cause);
    }
}
