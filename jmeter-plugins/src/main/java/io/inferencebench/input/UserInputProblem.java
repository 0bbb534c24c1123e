package io.inferencebench.input;

/**
 * Marks an exception a user's own input caused (a flag, a property, a file they named): its message
 * is one sentence naming the problem and the fix, safe to show as is (it never echoes a secret).
 * The {@code benchmark} command prints just that sentence and exits with code 2, no stack trace;
 * any other exception is a bug and keeps its trace.
 */
public interface UserInputProblem {
    /** The sentence to show the user; exceptions get it from {@link Throwable#getMessage()}. */
    String getMessage();
}
