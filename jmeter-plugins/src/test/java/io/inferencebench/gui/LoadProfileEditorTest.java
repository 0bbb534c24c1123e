package io.inferencebench.gui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Component;
import java.awt.Container;
import java.util.ArrayList;
import java.util.List;

import javax.swing.JButton;
import javax.swing.JTable;

import org.junit.jupiter.api.Test;

/** The load profile's rows, text and preview round-trip, with no JMeter GUI running (headless). */
class LoadProfileEditorTest {
    @Test
    void aProfileTextBecomesRowsAndTheRowsTheSameProfile() {
        List<ProfileRows.Row> rows = ProfileRows.parse("const(10,60) line(10,100,2m) step(100,200,50,30s)");
        assertThat(rows).containsExactly(new ProfileRows.Row("10", "10", "60"), new ProfileRows.Row("10", "100", "120"),
                new ProfileRows.Row("100", "100", "30"), new ProfileRows.Row("150", "150", "30"),
                new ProfileRows.Row("200", "200", "30"));
        assertThat(ProfileRows.text(rows))
                .isEqualTo("const(10,60) line(10,100,120) const(100,30) const(150,30) const(200,30)");
        assertThat(ProfileRows.parse(ProfileRows.text(rows))).isEqualTo(rows);
        assertThat(ProfileRows.points(rows)).extracting(p -> p[0] + "@" + p[1])
                .startsWith("0.0@10.0", "60.0@10.0", "60.0@10.0", "180.0@100.0");
    }

    @Test
    void expressionsAndBrokenTextsAreEditedAsText() {
        assertThat(ProfileRows.parse("${__P(ib.profile)}")).isNull();
        assertThat(ProfileRows.parse("const(10)x")).isNull();
        assertThat(ProfileRows.parse("")).isEmpty();
        assertThat(ProfileRows.problem(List.of(new ProfileRows.Row("ten", "10", "60")))).contains("ten");
    }

    @Test
    void aDurationShorterThanTheProfileIsWarnedAbout() {
        List<ProfileRows.Row> rows = ProfileRows.parse("const(10,60) const(20,60)");
        assertThat(ProfileRows.cutShort(rows, "90")).isEqualTo(
                "The duration of 90 s ends the wave before this 120 s profile does: the rest of the profile never runs.");
        assertThat(ProfileRows.cutShort(rows, "2m")).isNull();
        assertThat(ProfileRows.cutShort(rows, "")).isNull();
    }

    @Test
    void theEditorAddsCopiesAndDeletesRowsAndSavesTheText() {
        LoadProfileEditor editor = new LoadProfileEditor();
        editor.setAsText("const(50,30)");
        assertThat(editor.rows()).hasSize(1);
        Container panel = (Container) editor.getCustomEditor();
        // the scroll bars' arrows are buttons too: ours have labels
        List<JButton> buttons = all(panel, JButton.class).stream().filter(b -> !b.getText().isEmpty()).toList();
        assertThat(buttons).extracting(JButton::getText).containsExactly("Add row", "Copy row", "Delete row");
        buttons.get(0).doClick();
        assertThat(editor.getAsText()).isEqualTo("const(50,30) const(50,60)");
        JTable table = all(panel, JTable.class).get(0);
        table.setValueAt("200", 1, 1);
        assertThat(editor.getAsText()).isEqualTo("const(50,30) line(50,200,60)");
        table.setRowSelectionInterval(0, 0);
        buttons.get(1).doClick();
        assertThat(editor.getAsText()).isEqualTo("const(50,30) const(50,30) line(50,200,60)");
        table.setRowSelectionInterval(2, 2);
        buttons.get(2).doClick();
        assertThat(editor.getAsText()).isEqualTo("const(50,30) const(50,30)");
        // a JMeter expression is kept as typed, and said to be edited as text
        editor.setAsText("${__P(ib.profile,const(10,60))}");
        assertThat(editor.getAsText()).isEqualTo("${__P(ib.profile,const(10,60))}");
        assertThat(editor.warning()).startsWith("Edited as text");
    }

    private static <T> List<T> all(Container c, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (Component child : c.getComponents()) {
            if (type.isInstance(child)) {
                found.add(type.cast(child));
            } else if (child instanceof Container inner) {
                found.addAll(all(inner, type));
            }
        }
        return found;
    }
}
