package io.inferencebench.report;

import io.inferencebench.input.UserInputProblem;

/**
 * Input a user can fix (a run directory, a {@code summary.json}, a {@code --plot-*} flag, an output
 * directory) that stops a report. The message is one sentence naming the problem and the fix; the
 * {@code benchmark} command prints it and exits with code 2.
 */
public class ReportInputException extends RuntimeException implements UserInputProblem {
    private static final long serialVersionUID = 1L;

    public ReportInputException(String sentence) {
        super(sentence);
    }

    public ReportInputException(String sentence, Throwable cause) {
        super(sentence, cause);
    }
}
