package io.inferencebench.report;

import org.apache.jmeter.testbeans.BeanInfoSupport;

import java.beans.PropertyDescriptor;

/** The JMeter GUI's description of {@link ExcelSummaryListener}'s one property. */
public class ExcelSummaryListenerBeanInfo extends BeanInfoSupport {
    public ExcelSummaryListenerBeanInfo() {
        super(ExcelSummaryListener.class);
        io.inferencebench.gui.HelpLinkEditor.install(property(io.inferencebench.gui.ElementHelp.PROPERTY));
        createPropertyGroup("about", new String[] {io.inferencebench.gui.ElementHelp.PROPERTY});
        createPropertyGroup("summary", new String[] {"runDirectory"});
        PropertyDescriptor runDirectory = property("runDirectory");
        runDirectory.setValue(NOT_UNDEFINED, Boolean.TRUE);
        runDirectory.setValue(DEFAULT, "");
        runDirectory.setValue(NOT_EXPRESSION, Boolean.FALSE);
    }
}
