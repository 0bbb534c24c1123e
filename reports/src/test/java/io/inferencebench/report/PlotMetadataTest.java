package io.inferencebench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlotMetadataTest {
    @TempDir
    Path temp;

    @Test
    void inlineJsonGivesLegendsAndHoverLinesInTheOrderGiven() {
        PlotMetadata metadata = PlotMetadata.parse(
                " {\"run_a\": {\"batch\": 8, \"legend\": \"g5.xlarge\", \"fp8\": true, \"tags\": [\"a\", \"b\"]}, \"run_b\": {}} ");

        assertThat(metadata.legend("run_a")).contains("g5.xlarge");
        assertThat(metadata.legend("run_b")).isEmpty();
        assertThat(metadata.legend("run_c")).isEmpty();
        assertThat(metadata.lines("run_a")).containsExactly(
                Map.entry("batch", "8"), Map.entry("fp8", "true"), Map.entry("tags", "[\"a\",\"b\"]"));
        assertThat(metadata.lines("run_c")).isEmpty();
    }

    @Test
    void aFileIsReadAndItsKeysBecomeColumnsFirstSeenFirst() {
        PlotMetadata metadata = PlotMetadata.parse(RunFixtures.metadataFile(temp).toString());

        assertThat(metadata.legend(RunFixtures.G6_XLARGE)).contains("g6.xlarge");
        assertThat(metadata.keys(RunFixtures.THREE_RUNS)).containsExactly("instance", "batch size", "model", "note");
        assertThat(metadata.keys(List.of(RunFixtures.G5_XLARGE))).containsExactly("instance", "batch size", "model");
        assertThat(metadata.lines(RunFixtures.G6_XLARGE)).containsEntry("note", "driver 550 <beta> & \"tuned\"");
    }

    @Test
    void entriesForRunsNotPlottedAreReported() {
        PlotMetadata metadata = PlotMetadata.parse("{\"20261129_101500_benchmrk\": {\"legend\": \"typo\"}}");

        assertThat(metadata.unmatched(List.of(RunFixtures.G5_XLARGE, RunFixtures.G5_2XLARGE))).containsExactly(
                "--plot-metadata names \"20261129_101500_benchmrk\", which is not one of the plotted runs "
                        + "(20261129_101500_benchmark, 20261129_103000_benchmark).");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = temp.resolve("hover.json");
        assertThatThrownBy(() -> PlotMetadata.parse(missing.toString()))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("--plot-metadata file " + missing + " does not exist: pass the path of a .json file or "
                        + "inline JSON such as '{\"<run dir name>\": {\"legend\": \"g5.xlarge\"}}'.");
    }

    @Test
    void badJsonInAFileNamesTheFileAndPlace() throws IOException {
        Path file = Files.writeString(temp.resolve("hover.json"), "{\n  \"run_a\": {\"legend\": \"x\",}\n}");

        assertThatThrownBy(() -> PlotMetadata.parse(file.toString()))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith("--plot-metadata file " + file + " is not valid JSON (line 2, column ")
                .hasMessageEndingWith("): fix it to an object such as {\"<run dir name>\": {\"legend\": \"g5.xlarge\"}}.");
    }

    @Test
    void anEntryMustBeAnObject() {
        assertThatThrownBy(() -> PlotMetadata.parse("{\"run_a\": \"g5.xlarge\"}"))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("--plot-metadata: the entry for \"run_a\" must be an object of key/value pairs, "
                        + "such as {\"legend\": \"g5.xlarge\", \"batch size\": 8}.");
    }
}
