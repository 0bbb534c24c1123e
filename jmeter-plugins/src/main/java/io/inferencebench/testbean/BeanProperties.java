package io.inferencebench.testbean;

import org.apache.jmeter.testelement.AbstractTestElement;

/**
 * Our TestBean elements keep each setting twice: in a bean field (what the element reads at run time,
 * filled by JMeter from the properties) and in the element's JMeter property (what a plan saves and
 * the GUI edits). Code that builds a plan calls the setters, which mirror into the property here.
 */
public final class BeanProperties {
    private BeanProperties() {
    }

    /** Sets the element's JMeter property from a bean setter, unless JMeter itself is running it. */
    public static void mirror(AbstractTestElement element, String name, Object value) {
        if (element.isRunningVersion()) {
            return; // at run time JMeter sets the fields from the properties: leave those alone
        }
        if (value instanceof Integer i) {
            element.setProperty(name, i.intValue());
        } else if (value instanceof Long l) {
            element.setProperty(name, l.longValue());
        } else if (value instanceof Boolean b) {
            element.setProperty(name, b.booleanValue());
        } else {
            element.setProperty(name, value == null ? "" : value.toString());
        }
    }
}
