package io.inferencebench.gui;

import java.awt.BasicStroke;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.beans.PropertyEditorSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.table.AbstractTableModel;

import org.apache.jmeter.gui.GuiPackage;
import org.apache.jmeter.testelement.TestElement;

/**
 * The Constant RPS Timer's load profile, edited as the Throughput Shaping Timer's: a row table (start rate, end
 * rate, duration) with add, copy and delete, a preview of the planned rate, and the profile text beside them,
 * which is what the plan saves and what {@code benchmark --load-profile} takes. A text the table cannot show
 * (a JMeter expression such as {@code ${__P(ib.profile)}}) is edited as text.
 */
public class LoadProfileEditor extends PropertyEditorSupport {
    private final List<ProfileRows.Row> rows = new ArrayList<>();
    private final RowsModel model = new RowsModel();
    private final JTable table = new JTable(model);
    private final JTextField text = new JTextField(40);
    private final JLabel warning = new JLabel(" ");
    private final Preview preview = new Preview();
    private final JPanel panel = new JPanel(new BorderLayout(4, 4)) {
        @Override
        public void addNotify() {
            super.addNotify();
            refresh(); // the duration field may have changed while the panel was away
        }
    };
    private boolean updating;

    public LoadProfileEditor() {
        table.setPreferredScrollableViewportSize(new Dimension(360, 96));
        table.putClientProperty("terminateEditOnFocusLost", Boolean.TRUE);
        JButton add = new JButton("Add row");
        add.addActionListener(e -> {
            stopEditing();
            ProfileRows.Row last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            String rate = last == null ? "10" : last.endRate().isEmpty() ? last.startRate() : last.endRate();
            rows.add(new ProfileRows.Row(rate, rate, "60"));
            changed();
        });
        JButton copy = new JButton("Copy row");
        copy.addActionListener(e -> {
            stopEditing();
            int i = table.getSelectedRow();
            if (i >= 0 && i < rows.size()) {
                rows.add(i + 1, rows.get(i));
                changed();
            }
        });
        JButton delete = new JButton("Delete row");
        delete.addActionListener(e -> {
            stopEditing();
            int i = table.getSelectedRow();
            if (i >= 0 && i < rows.size()) {
                rows.remove(i);
                changed();
            }
        });
        text.setToolTipText("The profile as text (what the plan saves, and benchmark --load-profile takes): "
                + "const(R,T) line(R1,R2,T) step(R1,R2,S,T)");
        text.addActionListener(e -> fromText());
        text.addFocusListener(new java.awt.event.FocusAdapter() {
            @Override
            public void focusLost(java.awt.event.FocusEvent e) {
                fromText();
            }
        });
        warning.setForeground(new Color(0xB0, 0x40, 0x00));

        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 0));
        buttons.add(add);
        buttons.add(copy);
        buttons.add(delete);
        JPanel left = new JPanel(new BorderLayout(2, 2));
        left.add(new JScrollPane(table), BorderLayout.CENTER);
        left.add(buttons, BorderLayout.SOUTH);
        preview.setPreferredSize(new Dimension(300, 130));
        preview.setBorder(BorderFactory.createTitledBorder("Planned rate (req/s over s)"));
        JPanel top = new JPanel(new BorderLayout(6, 0));
        top.add(left, BorderLayout.CENTER);
        top.add(preview, BorderLayout.EAST);
        JPanel bottom = new JPanel(new BorderLayout(2, 2));
        bottom.add(text, BorderLayout.CENTER);
        bottom.add(warning, BorderLayout.SOUTH);
        panel.add(top, BorderLayout.CENTER);
        panel.add(bottom, BorderLayout.SOUTH);
        setAsText("");
    }

    /** The rows shown (for tests). */
    List<ProfileRows.Row> rows() {
        return List.copyOf(rows);
    }

    /** The warning line shown under the profile (for tests). */
    String warning() {
        return warning.getText().trim();
    }

    @Override
    public boolean supportsCustomEditor() {
        return true;
    }

    @Override
    public Component getCustomEditor() {
        return panel;
    }

    @Override
    public String getAsText() {
        stopEditing();
        return text.getText().trim();
    }

    @Override
    public void setAsText(String value) {
        String v = value == null ? "" : value.trim();
        List<ProfileRows.Row> parsed = ProfileRows.parse(v);
        updating = true;
        try {
            rows.clear();
            if (parsed != null) {
                rows.addAll(parsed);
            }
            table.setEnabled(parsed != null);
            text.setText(v);
            model.fireTableDataChanged();
        } finally {
            updating = false;
        }
        refresh();
        super.setValue(v);
    }

    @Override
    public void setValue(Object value) {
        setAsText(value == null ? "" : value.toString());
    }

    @Override
    public Object getValue() {
        return getAsText();
    }

    private void stopEditing() {
        if (table.isEditing()) {
            table.getCellEditor().stopCellEditing();
        }
    }

    /** The rows changed: the text follows them. */
    private void changed() {
        if (updating) {
            return;
        }
        model.fireTableDataChanged();
        String t = ProfileRows.text(rows);
        text.setText(t);
        refresh();
        super.setValue(t);
        firePropertyChange();
    }

    /** The text changed: the rows follow it when the table can show it. */
    private void fromText() {
        String t = text.getText().trim();
        if (!t.equals(String.valueOf(super.getValue()))) {
            setAsText(t);
            firePropertyChange();
        }
    }

    private void refresh() {
        String problem = ProfileRows.problem(rows);
        String cut = ProfileRows.cutShort(rows, durationField());
        String note = !table.isEnabled() && !text.getText().isBlank()
                ? "Edited as text: the table shows only plain profiles (no ${...} expressions)." : null;
        warning.setText(problem != null ? problem : cut != null ? cut : note != null ? note : " ");
        preview.points = ProfileRows.points(rows);
        preview.repaint();
    }

    /** The timer's duration field, from the element being edited in JMeter's GUI (empty outside it). */
    private static String durationField() {
        GuiPackage gui = GuiPackage.getInstance();
        TestElement current = gui == null ? null : gui.getCurrentElement();
        return current == null ? "" : current.getPropertyAsString("durationSeconds");
    }

    private final class RowsModel extends AbstractTableModel {
        private final String[] columns = {"Start rate (req/s)", "End rate (req/s)", "Duration (s, or 500ms, 5m, 1h)"};

        @Override
        public int getRowCount() {
            return rows.size();
        }

        @Override
        public int getColumnCount() {
            return columns.length;
        }

        @Override
        public String getColumnName(int column) {
            return columns[column];
        }

        @Override
        public boolean isCellEditable(int row, int column) {
            return true;
        }

        @Override
        public Object getValueAt(int row, int column) {
            ProfileRows.Row r = rows.get(row);
            return column == 0 ? r.startRate() : column == 1 ? r.endRate() : r.duration();
        }

        @Override
        public void setValueAt(Object value, int row, int column) {
            ProfileRows.Row r = rows.get(row);
            String v = value == null ? "" : value.toString().trim();
            rows.set(row, new ProfileRows.Row(column == 0 ? v : r.startRate(), column == 1 ? v : r.endRate(),
                    column == 2 ? v : r.duration()));
            changed();
        }
    }

    /** The planned rate over time, drawn from the rows' points. */
    private static final class Preview extends JPanel {
        private List<double[]> points = List.of();

        @Override
        protected void paintComponent(Graphics g) {
            super.paintComponent(g);
            java.awt.Insets in = getInsets();
            int x0 = in.left + 34;
            int y0 = getHeight() - in.bottom - 14;
            int w = getWidth() - x0 - in.right - 6;
            int h = y0 - in.top - 6;
            if (points.isEmpty() || w <= 0 || h <= 0) {
                g.drawString("no profile: the target rate", in.left + 8, in.top + 20);
                return;
            }
            double maxT = points.get(points.size() - 1)[0];
            double maxR = 0;
            for (double[] p : points) {
                maxR = Math.max(maxR, p[1]);
            }
            maxT = maxT <= 0 ? 1 : maxT;
            maxR = maxR <= 0 ? 1 : maxR;
            Graphics2D g2 = (Graphics2D) g.create();
            g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g2.setColor(Color.GRAY);
            g2.drawLine(x0, y0, x0 + w, y0);
            g2.drawLine(x0, y0, x0, y0 - h);
            g2.drawString(fmt(maxR), in.left + 2, y0 - h + 10);
            g2.drawString("0", in.left + 2, y0);
            g2.drawString(fmt(maxT) + " s", x0 + w - 40, y0 + 12);
            Path2D path = new Path2D.Double();
            for (int i = 0; i < points.size(); i++) {
                double x = x0 + points.get(i)[0] / maxT * w;
                double y = y0 - points.get(i)[1] / maxR * h;
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            g2.setColor(new Color(0x1F, 0x77, 0xB4));
            g2.setStroke(new BasicStroke(2f));
            g2.draw(path);
            g2.dispose();
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
        }
    }
}
