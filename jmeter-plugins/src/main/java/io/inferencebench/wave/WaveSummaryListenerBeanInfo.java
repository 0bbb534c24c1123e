package io.inferencebench.wave;

import java.beans.PropertyDescriptor;

import org.apache.jmeter.testbeans.BeanInfoSupport;

/** GUI fields of the Wave Summary listener. */
public class WaveSummaryListenerBeanInfo extends BeanInfoSupport {
    public WaveSummaryListenerBeanInfo() {
        super(WaveSummaryListener.class);
        io.inferencebench.gui.HelpLinkEditor.install(property(io.inferencebench.gui.ElementHelp.PROPERTY));
        createPropertyGroup("about", new String[] {io.inferencebench.gui.ElementHelp.PROPERTY});
        createPropertyGroup("output", new String[] {"outputDirectory", "successThreshold"});
        PropertyDescriptor dir = property("outputDirectory");
        dir.setValue(NOT_UNDEFINED, Boolean.TRUE);
        dir.setValue(DEFAULT, "");
        PropertyDescriptor threshold = property("successThreshold");
        threshold.setValue(NOT_UNDEFINED, Boolean.TRUE);
        threshold.setValue(DEFAULT, "0.95");

        // not a setting: the panel where the last run's RESULTS block and verdict appear
        createPropertyGroup("lastRun", new String[] {"results"});
        io.inferencebench.gui.DisplayOnlyEditor.install(property("results"), io.inferencebench.gui.WaveResultsEditor.class);
    }
}
