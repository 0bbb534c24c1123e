package io.inferencebench.gui;

import java.awt.Component;
import java.awt.Cursor;
import java.awt.FlowLayout;
import java.awt.Frame;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.beans.PropertyDescriptor;

import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.SwingUtilities;

import org.apache.jmeter.gui.GuiPackage;
import org.apache.jmeter.gui.tree.JMeterTreeNode;
import org.apache.jmeter.gui.util.EscapeDialog;
import org.apache.jmeter.swing.HtmlPane;

/**
 * The help link at the top of each of our elements. JMeter's own Help menu can only open its
 * component reference on jmeter.apache.org, where our elements are not; this link opens the element's
 * page ({@link ElementHelp}) in a window of its own. The link is the editor of a field that holds
 * nothing and is never saved ({@link DisplayOnlyEditor}).
 */
public class HelpLinkEditor extends DisplayOnlyEditor {
    private final JPanel panel = new JPanel(new FlowLayout(FlowLayout.LEFT, 0, 0));

    public HelpLinkEditor() {
        JLabel link = new JLabel("<html><a href='#'>What this element does, and each field</a></html>");
        link.setCursor(Cursor.getPredefinedCursor(Cursor.HAND_CURSOR));
        link.addMouseListener(new MouseAdapter() {
            @Override
            public void mouseClicked(MouseEvent e) {
                Class<?> element = elementBeingEdited();
                if (element != null) {
                    show(element, link);
                }
            }
        });
        panel.add(link);
        setValue("");
    }

    /** Makes a bean's field into the help link: holding nothing, never saved into a plan. */
    public static void install(PropertyDescriptor help) {
        install(help, HelpLinkEditor.class);
    }

    private static Class<?> elementBeingEdited() {
        GuiPackage gui = GuiPackage.getInstance();
        JMeterTreeNode node = gui == null ? null : gui.getTreeListener().getCurrentNode();
        return node == null ? null : node.getTestElement().getClass();
    }

    private static void show(Class<?> element, Component near) {
        HtmlPane page = new HtmlPane();
        page.setEditable(false);
        page.setContentType("text/html");
        page.setText(ElementHelp.page(element));
        page.setCaretPosition(0);
        java.awt.Window owner = SwingUtilities.getWindowAncestor(near);
        // JMeter's own dialog kind: Escape closes it, as its other dialogs do
        JDialog dialog = new EscapeDialog(owner instanceof Frame f ? f : null, "Help", false);
        dialog.getContentPane().add(new JScrollPane(page));
        dialog.setSize(720, 560);
        dialog.setLocationRelativeTo(near);
        dialog.setVisible(true);
    }

    @Override
    protected Component panel() {
        return panel;
    }
}
