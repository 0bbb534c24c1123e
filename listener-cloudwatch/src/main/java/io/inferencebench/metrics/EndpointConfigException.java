package io.inferencebench.metrics;

import io.inferencebench.input.UserInputProblem;

import java.util.List;

/**
 * The endpoint-config file cannot be used. The message names the file and lists every problem,
 * one line each, with its JSON path; the CLI prints it and exits with code 2 before the wave.
 */
public final class EndpointConfigException extends Exception implements UserInputProblem {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    EndpointConfigException(String source, List<String> problems) {
        super(message(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code $[0].Period: ...}, in file order. */
    public List<String> problems() {
        return problems;
    }

    private static String message(String source, List<String> problems) {
        StringBuilder text = new StringBuilder("Endpoint config ").append(source).append(" is not usable (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems")
                .append("); fix the file and run again:");
        for (String problem : problems) {
            text.append(System.lineSeparator()).append("  ").append(problem);
        }
        return text.toString();
    }
}
