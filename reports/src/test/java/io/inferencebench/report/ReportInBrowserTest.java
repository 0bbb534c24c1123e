package io.inferencebench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The three-run comparison as a browser shows it: rendered by headless Chromium (Debian's
 * {@code chromium}), looked at through a screenshot, and its statistic selector driven through the
 * page's URL. The screenshot is kept as target/report-screenshot.png; with
 * {@code -Dreport.screenshot=../docs/report-screenshot.png} it is also copied there (the test runs in
 * {@code reports/}).
 */
class ReportInBrowserTest {
    private static final int WIDTH = 1440;
    private static final int HEIGHT = 1300;

    @TempDir
    Path temp;

    private static Optional<Path> chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs Chromium headless on a page, offline and with a fresh profile; returns its standard output. */
    private String chromium(Path binary, String url, String... extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(temp, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=" + WIDTH + "," + HEIGHT));
        command.addAll(List.of(extra));
        command.add(url);
        Path out = temp.resolve("chromium.out");
        Path err = temp.resolve("chromium.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s: " + Files.readString(err));
        }
        assertThat(process.exitValue()).as("chromium exit code; its stderr: %s", Files.readString(err)).isZero();
        return Files.readString(out);
    }

    private static long pixelsOf(BufferedImage image, Color colour) {
        long count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void chromiumShowsTheComparisonAndItsSelector() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "Debian's chromium is not installed (apt-get install -y chromium), "
                + "so the report cannot be rendered in a browser here");
        List<Path> runs = RunFixtures.copy(temp, RunFixtures.THREE_RUNS);
        String metadata = RunFixtures.metadataFile(temp).toString();
        ReportFiles light = ComparisonReport.build(runs, ReportOptions.fromFlags(temp.resolve("light").toString(), null, metadata, "light"));
        ReportFiles dark = ComparisonReport.build(runs, ReportOptions.fromFlags(temp.resolve("dark").toString(), null, metadata, "dark"));

        Path screenshot = temp.resolve("report-screenshot.png");
        chromium(chromium.get(), light.html().toUri().toString(), "--screenshot=" + screenshot);

        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);
        assertThat(new Color(image.getRGB(WIDTH - 3, HEIGHT / 2))).as("page background").isEqualTo(Theme.LIGHT.page);
        for (int run = 0; run < 3; run++) {
            // bars drawn in the browser: a first screen of panels holds thousands of pixels of each run's colour
            assertThat(pixelsOf(image, Theme.runColour(run))).as("pixels of run %d's colour", run).isGreaterThan(5_000);
        }
        Path kept = Path.of("target", "report-screenshot.png");
        Files.createDirectories(kept.getParent());
        Files.copy(screenshot, kept, StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("report.screenshot");
        if (docs != null && !docs.isBlank()) {
            Files.copy(screenshot, Path.of(docs), StandardCopyOption.REPLACE_EXISTING);
        }

        // the selector, chosen through the URL as a shared link would: p99 from the intended start
        String dom = chromium(chromium.get(), dark.html().toUri() + "#stat=p99&intended=1", "--dump-dom");
        Matcher latency = Pattern.compile("<figure class=\"panel selectable\" data-panel=\"latency\">(.*?)</figure>", Pattern.DOTALL).matcher(dom);
        assertThat(latency.find()).as("latency panel in the rendered page").isTrue();
        List<String> shown = Stream.of(latency.group(1).split("<div class=\"variant\" "))
                .filter(v -> v.startsWith("data-stat") && !v.substring(0, v.indexOf('>')).contains("hidden"))
                .map(v -> v.substring(0, v.indexOf('>')))
                .toList();
        assertThat(shown).containsExactly("data-stat=\"p99\" data-intended=\"1\"");
        Matcher ttft = Pattern.compile("data-panel=\"aiperf:time_to_first_token\">(.*?)</figure>", Pattern.DOTALL).matcher(dom);
        assertThat(ttft.find()).isTrue();
        assertThat(ttft.group(1)).as("other panels follow the statistic, measured from the request start")
                .contains("<div class=\"variant\" data-stat=\"p99\" data-intended=\"0\">");
        assertThat(dom.contains("--page:#0d1117")).as("the dark page was the one rendered").isTrue();
    }
}
