package io.inferencebench.pacing;

import java.beans.PropertyDescriptor;

import org.apache.jmeter.testbeans.BeanInfoSupport;

/** GUI fields of the Constant RPS Timer (texts in ConstantRpsTimerResources.properties). */
public class ConstantRpsTimerBeanInfo extends BeanInfoSupport {
    public ConstantRpsTimerBeanInfo() {
        super(ConstantRpsTimer.class);
        io.inferencebench.gui.HelpLinkEditor.install(property(io.inferencebench.gui.ElementHelp.PROPERTY));
        createPropertyGroup("about", new String[] {io.inferencebench.gui.ElementHelp.PROPERTY});
        createPropertyGroup("rate", new String[] {"targetRps", "loadProfile", "arrivals", "seed"});
        createPropertyGroup("bounds", new String[] {"durationSeconds", "maxArrivals"});
        createPropertyGroup("threads", new String[] {"latePolicy", "maxThreads"});

        text("targetRps", "10");
        text("loadProfile", "");
        PropertyDescriptor profile = property("loadProfile");
        // rows, a preview and the text; it takes ${...} expressions as text itself, so JMeter need not wrap it
        profile.setPropertyEditorClass(io.inferencebench.gui.LoadProfileEditor.class);
        profile.setValue(NOT_EXPRESSION, Boolean.TRUE);
        PropertyDescriptor arrivals = property("arrivals");
        arrivals.setValue(NOT_UNDEFINED, Boolean.TRUE);
        arrivals.setValue(DEFAULT, "uniform");
        arrivals.setValue(NOT_OTHER, Boolean.TRUE);
        arrivals.setValue(TAGS, new String[] {"uniform", "poisson"});
        text("seed", "42");
        text("durationSeconds", "");
        text("maxArrivals", "");
        text("latePolicy", "fire");
        PropertyDescriptor maxThreads = property("maxThreads");
        maxThreads.setValue(NOT_UNDEFINED, Boolean.TRUE);
        maxThreads.setValue(DEFAULT, 0);
    }

    private void text(String name, String def) {
        PropertyDescriptor p = property(name);
        p.setValue(NOT_UNDEFINED, Boolean.TRUE);
        p.setValue(DEFAULT, def);
    }
}
