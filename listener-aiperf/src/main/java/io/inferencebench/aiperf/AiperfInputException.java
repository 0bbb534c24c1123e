package io.inferencebench.aiperf;

import io.inferencebench.input.UserInputProblem;

/** A mistake in the aiperf flags ({@code --aiperf-args}, a missing {@code --url}): one sentence naming it and the fix. */
public class AiperfInputException extends IllegalArgumentException implements UserInputProblem {
    public AiperfInputException(String message) {
        super(message);
    }
}
