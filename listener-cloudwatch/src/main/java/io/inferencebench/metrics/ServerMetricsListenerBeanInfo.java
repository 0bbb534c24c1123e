package io.inferencebench.metrics;

import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.gui.FileEditor;

import java.beans.PropertyDescriptor;

/** The "Server Metrics" listener's fields in the JMeter GUI; texts are in ServerMetricsListenerResources. */
public class ServerMetricsListenerBeanInfo extends BeanInfoSupport {

    public ServerMetricsListenerBeanInfo() {
        super(ServerMetricsListener.class);
        io.inferencebench.gui.HelpLinkEditor.install(property(io.inferencebench.gui.ElementHelp.PROPERTY));
        createPropertyGroup("about", new String[] {io.inferencebench.gui.ElementHelp.PROPERTY});
        createPropertyGroup("config", new String[] {ServerMetricsListener.ENDPOINT_CONFIG});
        createPropertyGroup("aws", new String[] {ServerMetricsListener.AWS_REGION, ServerMetricsListener.AWS_PROFILE});
        createPropertyGroup("output", new String[] {ServerMetricsListener.OUTPUT_DIRECTORY});

        PropertyDescriptor config = property(ServerMetricsListener.ENDPOINT_CONFIG);
        config.setValue(NOT_UNDEFINED, Boolean.TRUE);
        config.setValue(DEFAULT, "");
        config.setPropertyEditorClass(FileEditor.class);
        for (String name : new String[] {ServerMetricsListener.AWS_REGION, ServerMetricsListener.AWS_PROFILE,
                ServerMetricsListener.OUTPUT_DIRECTORY}) {
            PropertyDescriptor text = property(name);
            text.setValue(NOT_UNDEFINED, Boolean.TRUE);
            text.setValue(DEFAULT, "");
        }
    }
}
