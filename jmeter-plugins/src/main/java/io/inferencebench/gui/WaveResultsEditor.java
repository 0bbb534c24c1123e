package io.inferencebench.gui;

import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.Font;

import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.Timer;

import io.inferencebench.wave.LastWave;

/**
 * The Wave Summary's results panel, shown by JMeter's TestBean GUI as the editor of its read-only
 * "results" field: the last wave's RESULTS block and verdict, refreshed while the panel is on screen, as
 * JMeter's Summary Report refreshes its table.
 */
public class WaveResultsEditor extends DisplayOnlyEditor {
    private final JTextArea text = new JTextArea(WaveResultsText.of(null), 18, 80);
    private final JPanel panel = new JPanel(new BorderLayout()) {
        private final Timer refresh = new Timer(1000, e -> display(LastWave.get()));

        @Override
        public void addNotify() {
            super.addNotify();
            display(LastWave.get());
            refresh.start();
        }

        @Override
        public void removeNotify() {
            refresh.stop();
            super.removeNotify();
        }
    };
    private LastWave.Result shown;

    public WaveResultsEditor() {
        text.setEditable(false);
        // a verdict's remedy is one long line: wrapped at words, it is read without scrolling sideways
        text.setLineWrap(true);
        text.setWrapStyleWord(true);
        text.setFont(new Font(Font.MONOSPACED, Font.PLAIN, text.getFont().getSize()));
        JScrollPane scroll = new JScrollPane(text);
        scroll.setPreferredSize(new Dimension(640, 320));
        panel.add(scroll, BorderLayout.CENTER);
        setValue("");
    }

    private void display(LastWave.Result last) {
        if (last != shown || shown == null) {
            shown = last;
            text.setText(WaveResultsText.of(last));
            text.setCaretPosition(0);
        }
    }

    @Override
    protected Component panel() {
        return panel;
    }
}
