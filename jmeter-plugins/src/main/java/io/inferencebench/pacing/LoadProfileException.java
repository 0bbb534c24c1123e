package io.inferencebench.pacing;

import io.inferencebench.input.UserInputProblem;

/** A load profile, rate or bound the user gave cannot be used; the message says which and how to fix it. */
public class LoadProfileException extends IllegalArgumentException implements UserInputProblem {
    private static final long serialVersionUID = 1L;

    public LoadProfileException(String message) {
        super(message);
    }
}
