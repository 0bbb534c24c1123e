package io.inferencebench.openai;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;

/**
 * The model's own tokenizer, read from its Hugging Face {@code tokenizer.json}, to count the output
 * tokens of a server that sends no {@code usage}. Backed by DJL's binding of Hugging Face's
 * {@code tokenizers} (the Rust library that wrote the file; its linux, macOS and Windows natives ship
 * inside DJL's jar and are unpacked on first use, no download). One per test, shared by every thread:
 * the Rust tokenizer may be used concurrently.
 *
 * <p>A request's text is counted once, whole, when its answer has ended: counting chunk by chunk
 * would split words a BPE merges across chunks, and would cost a native call per chunk.
 */
final class ModelTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final long handle;

    private ModelTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.handle = tokenizer.getHandle();
    }

    /**
     * Reads {@code file}; every problem is one sentence naming {@code setting} (how the user gave the
     * file: a flag or a GUI field) and the fix.
     */
    static ModelTokenizer read(Path file, String setting) throws OpenAiSettingsException {
        if (!Files.isRegularFile(file)) {
            throw new OpenAiSettingsException(setting + " " + file + " does not exist or is not a file;"
                    + " give the model's tokenizer.json (from its Hugging Face repository).");
        }
        if (!Files.isReadable(file)) {
            throw new OpenAiSettingsException(setting + " " + file + " cannot be read; give a tokenizer.json this user can read.");
        }
        try {
            // no truncation or padding: the whole answer, and nothing added, is what is counted
            return new ModelTokenizer(HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false")));
        } catch (IOException | RuntimeException e) {
            throw new OpenAiSettingsException(setting + " " + file + " is not a Hugging Face tokenizer.json ("
                    + firstLine(e) + "); give the model's tokenizer.json.");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new OpenAiSettingsException(setting + " needs the Hugging Face tokenizers library, which could not be"
                    + " loaded on this machine (" + firstLine(e) + "); leave it out to count tokens as the server's usage or as chunks.");
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return Chunks.abbreviate(m.lines().findFirst().orElse(m));
    }

    /**
     * The number of tokens of {@code text}, without special tokens. Three native calls (encode, ids,
     * free) rather than DJL's {@code encode}, which also copies out the token strings, offsets and
     * masks of the encoding (measured 25-40% less CPU here) for the one figure needed.
     */
    int count(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        long encoding = TokenizersLibrary.LIB.encode(handle, text, false);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding).length;
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
