package io.inferencebench.openai;

import java.beans.PropertyDescriptor;

import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.gui.TypeEditor;

/** The sampler's GUI: where to send, and what each request asks for. */
public class OpenAiStreamingSamplerBeanInfo extends BeanInfoSupport {

    public OpenAiStreamingSamplerBeanInfo() {
        super(OpenAiStreamingSampler.class);
        io.inferencebench.gui.HelpLinkEditor.install(property(io.inferencebench.gui.ElementHelp.PROPERTY));
        createPropertyGroup("about", new String[] {io.inferencebench.gui.ElementHelp.PROPERTY});
        createPropertyGroup("endpoint", new String[] {"url", "api", "model", "apiKey", "requestTimeoutSeconds"});
        createPropertyGroup("request", new String[] {"stream", "maxTokens", "promptsFile", "syntheticInputTokens",
                "syntheticInputStddev", "sharedPrefixTokens", "seed", "slo", "tokenizerFile"});

        text("url", OpenAiStreamingSampler.DEFAULT_URL);
        PropertyDescriptor api = property("api", TypeEditor.ComboStringEditor);
        api.setValue(NOT_UNDEFINED, Boolean.TRUE);
        api.setValue(DEFAULT, "chat");
        api.setValue(NOT_OTHER, Boolean.TRUE);
        api.setValue(TAGS, new String[] {"chat", "completions"});
        text("model", OpenAiStreamingSampler.DEFAULT_MODEL);
        PropertyDescriptor key = property("apiKey", TypeEditor.PasswordEditor);
        key.setValue(NOT_UNDEFINED, Boolean.TRUE);
        key.setValue(DEFAULT, "");
        number("requestTimeoutSeconds", 600);

        PropertyDescriptor stream = property("stream");
        stream.setValue(NOT_UNDEFINED, Boolean.TRUE);
        stream.setValue(DEFAULT, Boolean.TRUE);
        number("maxTokens", OpenAiStreamingSampler.DEFAULT_MAX_TOKENS);
        PropertyDescriptor prompts = property("promptsFile", TypeEditor.FileEditor);
        prompts.setValue(NOT_UNDEFINED, Boolean.TRUE);
        prompts.setValue(DEFAULT, "");
        number("syntheticInputTokens", OpenAiStreamingSampler.DEFAULT_INPUT_TOKENS);
        number("syntheticInputStddev", 0);
        number("sharedPrefixTokens", 0);
        PropertyDescriptor seed = property("seed");
        seed.setValue(NOT_UNDEFINED, Boolean.TRUE);
        seed.setValue(DEFAULT, 0L);
        text("slo", "");
        PropertyDescriptor tokenizer = property("tokenizerFile", TypeEditor.FileEditor);
        tokenizer.setValue(NOT_UNDEFINED, Boolean.TRUE);
        tokenizer.setValue(DEFAULT, "");
    }

    private void text(String name, String value) {
        PropertyDescriptor p = property(name);
        p.setValue(NOT_UNDEFINED, Boolean.TRUE);
        p.setValue(DEFAULT, value);
    }

    private void number(String name, int value) {
        PropertyDescriptor p = property(name);
        p.setValue(NOT_UNDEFINED, Boolean.TRUE);
        p.setValue(DEFAULT, value);
    }
}
