package io.inferencebench.gui;

import java.beans.BeanInfo;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

import org.apache.jmeter.testbeans.gui.GenericTestBeanCustomizer;

/**
 * An element's help page, made from what the GUI itself shows: the element's introduction
 * ({@code help.page} in its Resources) and then every field of every group with its label and tooltip
 * text, in the GUI's order. Built from the same texts the panel uses, it cannot drift from the fields;
 * it ships inside the plugin jar, so it works in any JMeter install without a network.
 */
public final class ElementHelp {
    /** The help link's own field, shown in every element's first group, never in a saved plan. */
    public static final String PROPERTY = "help";

    private ElementHelp() {
    }

    /** The element's help as HTML (JMeter's HtmlPane, a JEditorPane, renders HTML 3.2). */
    public static String page(Class<?> element) {
        ResourceBundle texts = ResourceBundle.getBundle(element.getName() + "Resources", Locale.ENGLISH);
        StringBuilder html = new StringBuilder("<html><body style='font-family:sans-serif'>");
        html.append("<h2>").append(escape(text(texts, "displayName", element.getSimpleName()))).append("</h2>");
        html.append("<p>").append(escape(text(texts, "help.page", ""))).append("</p>");
        for (Map.Entry<String, List<PropertyDescriptor>> group : fieldsByGroup(element).entrySet()) {
            html.append("<h3>").append(escape(text(texts, group.getKey() + ".displayName", group.getKey()))).append("</h3>");
            html.append("<table border='0' cellpadding='3'>");
            for (PropertyDescriptor p : group.getValue()) {
                html.append("<tr><td valign='top'><b>").append(escape(text(texts, p.getName() + ".displayName", p.getName())))
                        .append("</b></td><td>").append(escape(text(texts, p.getName() + ".shortDescription", "")))
                        .append("</td></tr>");
            }
            html.append("</table>");
        }
        String guide = text(texts, "help.guide", "");
        if (!guide.isEmpty()) {
            html.append("<p>More: <code>").append(escape(guide))
                    .append("</code> in the InferenceBench source, and <code>benchmark --help</code>.</p>");
        }
        return html.append("</body></html>").toString();
    }

    /** The element's fields grouped as the GUI groups them, in the GUI's order; the help link itself left out. */
    static Map<String, List<PropertyDescriptor>> fieldsByGroup(Class<?> element) {
        BeanInfo info;
        try {
            info = Introspector.getBeanInfo(element);
        } catch (IntrospectionException e) {
            throw new IllegalStateException("no bean info for " + element.getName(), e);
        }
        List<PropertyDescriptor> fields = new ArrayList<>();
        for (PropertyDescriptor p : info.getPropertyDescriptors()) {
            if (!p.isHidden() && p.getWriteMethod() != null && p.getValue(GenericTestBeanCustomizer.GROUP) != null
                    && !PROPERTY.equals(p.getName())) {
                fields.add(p);
            }
        }
        // JMeter keeps a group's place on the bean descriptor and a field's place in its group on the field
        java.beans.BeanDescriptor bean = info.getBeanDescriptor();
        fields.sort(Comparator.comparingInt((PropertyDescriptor p) -> order(
                        bean.getValue(GenericTestBeanCustomizer.ORDER((String) p.getValue(GenericTestBeanCustomizer.GROUP)))))
                .thenComparingInt(p -> order(p.getValue(GenericTestBeanCustomizer.ORDER))));
        Map<String, List<PropertyDescriptor>> groups = new LinkedHashMap<>();
        for (PropertyDescriptor p : fields) {
            groups.computeIfAbsent((String) p.getValue(GenericTestBeanCustomizer.GROUP), g -> new ArrayList<>()).add(p);
        }
        return groups;
    }

    private static int order(Object value) {
        return value instanceof Integer i ? i : Integer.MAX_VALUE;
    }

    private static String text(ResourceBundle texts, String key, String otherwise) {
        try {
            return texts.getString(key);
        } catch (MissingResourceException e) {
            return otherwise;
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
