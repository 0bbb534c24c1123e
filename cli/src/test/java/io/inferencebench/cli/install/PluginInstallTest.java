package io.inferencebench.cli.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginInstallTest {
    @TempDir
    Path home;

    /** Two benchmark servers (or GUIs) started at once on one JMeter home both register the templates. */
    @Test
    void templatesRegisteredByManyProcessesAtOnceAllLandWhole() throws Exception {
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int round = 0; round < 40; round++) {
                        PluginInstall.registerTemplates(home);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(); // a writer that met another's half-done copy throws here
            }
        } finally {
            pool.shutdownNow();
        }
        for (String file : PluginInstall.TEMPLATE_FILES) {
            try (InputStream in = PluginInstall.class.getResourceAsStream("/io/inferencebench/templates/" + file)) {
                assertThat(Files.readAllBytes(home.resolve(PluginInstall.TEMPLATES_DIR).resolve(file)))
                        .as(file).isEqualTo(in.readAllBytes());
            }
        }
        try (Stream<Path> left = Files.list(home.resolve(PluginInstall.TEMPLATES_DIR))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
