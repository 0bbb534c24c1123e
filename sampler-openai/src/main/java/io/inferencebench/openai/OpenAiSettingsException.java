package io.inferencebench.openai;

import io.inferencebench.input.UserInputProblem;

/** A setting of the OpenAI Streaming Sampler a user must fix; the message says what and how. */
public class OpenAiSettingsException extends Exception implements UserInputProblem {
    private static final long serialVersionUID = 1L;

    public OpenAiSettingsException(String message) {
        super(message, null, false, false);
    }
}
