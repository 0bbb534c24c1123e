package io.inferencebench.diagnostics;

import java.beans.PropertyDescriptor;

import org.apache.jmeter.testbeans.BeanInfoSupport;

/** GUI fields of the Client Bottleneck Detector. */
public class ClientBottleneckDetectorBeanInfo extends BeanInfoSupport {
    public ClientBottleneckDetectorBeanInfo() {
        super(ClientBottleneckDetector.class);
        io.inferencebench.gui.HelpLinkEditor.install(property(io.inferencebench.gui.ElementHelp.PROPERTY));
        createPropertyGroup("about", new String[] {io.inferencebench.gui.ElementHelp.PROPERTY});
        createPropertyGroup("sampling", new String[] {"sampleIntervalMs", "pythonWorkers"});
        PropertyDescriptor interval = property("sampleIntervalMs");
        interval.setValue(NOT_UNDEFINED, Boolean.TRUE);
        interval.setValue(DEFAULT, 100);
        PropertyDescriptor workers = property("pythonWorkers");
        workers.setValue(NOT_UNDEFINED, Boolean.TRUE);
        workers.setValue(DEFAULT, 0);
    }
}
