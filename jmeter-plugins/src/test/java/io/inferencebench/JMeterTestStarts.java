package io.inferencebench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.util.JMeterUtils;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests that start and end JMeter tests without an engine ({@code JMeterContextService.startTest}): JMeter's
 * properties, where the start is recorded (an empty set, unless this JVM has them already), and every test's
 * end, so the next one starts afresh.
 */
public final class JMeterTestStarts implements BeforeAllCallback, AfterEachCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (JMeterTestStarts.class) {
            if (JMeterUtils.getJMeterProperties() == null) {
                Path file = Files.createTempFile("jmeter", ".properties");
                file.toFile().deleteOnExit();
                JMeterUtils.loadJMeterProperties(file.toString());
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        JMeterContextService.endTest();
    }
}
