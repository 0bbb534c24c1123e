package io.inferencebench.gui;

import java.awt.Component;
import java.beans.PropertyDescriptor;
import java.beans.PropertyEditorSupport;

import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.gui.GenericTestBeanCustomizer;

/**
 * The editor of a field that holds nothing: JMeter's TestBean GUI gives an element a control of its own
 * (a results panel, a help link) only as the editor of one of its fields, so such a field is empty,
 * never an expression, and never saved into a plan; its editor shows {@link #panel()} instead of a value.
 */
public abstract class DisplayOnlyEditor extends PropertyEditorSupport {

    /** Marks a bean's field as one that only shows {@code editor}'s panel. */
    public static void install(PropertyDescriptor field, Class<? extends DisplayOnlyEditor> editor) {
        field.setPropertyEditorClass(editor);
        field.setValue(BeanInfoSupport.NOT_UNDEFINED, Boolean.TRUE);
        field.setValue(BeanInfoSupport.NOT_EXPRESSION, Boolean.TRUE);
        field.setValue(BeanInfoSupport.DEFAULT, "");
        field.setValue(GenericTestBeanCustomizer.DEFAULT_NOT_SAVED, Boolean.TRUE);
    }

    /** What the GUI shows in place of a value. */
    protected abstract Component panel();

    @Override
    public boolean supportsCustomEditor() {
        return true;
    }

    @Override
    public Component getCustomEditor() {
        return panel();
    }

    @Override
    public String getAsText() {
        return "";
    }

    @Override
    public void setAsText(String ignored) {
        setValue("");
    }
}
