package scada.redundancy.cli.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.RedundancyConfiguration;

/**
 * The studio product as a user starts it ({@code ./scada-redundancy studio FILE}, through
 * {@code duplex-studio.sh}): the product's native launcher {@code duplex-studio} (compiled from
 * Equinox's C sources by the product feature) starts a real workbench process on the test's
 * virtual display that imports the file's folder as a project and opens the file in the
 * Redundancy editor. Proves the launcher works with the product's {@code duplex-studio.ini} and
 * the launcher fragment's library, and that the product is complete (every bundle resolves, the
 * workbench and the editor start), which no in-harness test can.
 */
public class StudioProductTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Process studio;

    @After
    public void stop() throws Exception {
        if (studio != null) {
            studio.descendants().forEach(ProcessHandle::destroyForcibly);
            studio.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    static Path studioProduct() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("releng/scada.redundancy.studio/target/products/scada.redundancy.studio/linux/gtk/x86_64");
            if (Files.isDirectory(candidate.resolve("plugins"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no studio product found: build it with ./mvnw package");
    }

    @Test
    public void theStudioStartsAndOpensTheFileInTheRedundancyEditor() throws Exception {
        assertNotNull("the studio needs a display; ./scada-redundancy test provides a virtual one", System.getenv("DISPLAY"));
        Path product = studioProduct();
        Path plant = temp.newFolder("plant").toPath();
        Path file = plant.resolve(ConfigurationFile.DEFAULT_FILE_NAME);
        ConfigurationFile.write(RedundancyConfiguration.defaults(), file);
        Path workspace = temp.newFolder("workspace").toPath();
        Path launcher = product.resolve("duplex-studio");
        byte[] elf = { 0x7f, 'E', 'L', 'F' };
        try (var in = Files.newInputStream(launcher)) {
            assertArrayEquals("duplex-studio is the native launcher, not a script", elf, in.readNBytes(4));
        }
        assertTrue("the launcher reads the ini of its own name", Files.isRegularFile(product.resolve("duplex-studio.ini")));
        // As duplex-studio.sh starts it: Eclipse's own arguments, the file as a system property after
        // -vmargs (the ini appends them to its own). The JVM is the one on PATH, found by the launcher.
        long started = System.nanoTime();
        studio = new ProcessBuilder(List.of(launcher.toString(), "-data", workspace.toString(), "-configuration",
                temp.newFolder("configuration").toString(), "-vmargs", "-Dduplex.studio.open=" + file))
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<String> opened = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(studio.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null;) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.startsWith("duplex studio: ")) {
                        opened.complete(line);
                    }
                }
                opened.completeExceptionally(new IOException("the studio exited without opening the file"));
            } catch (IOException e) {
                opened.completeExceptionally(e);
            }
        }, "studio-output");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = opened.get(120, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            synchronized (output) {
                throw new AssertionError("the studio did not open the file: " + e + "\n" + output + workspaceLog(workspace), e);
            }
        }
        assertTrue(line + "\n" + workspaceLog(workspace), line.equals("duplex studio: opened " + file + " in the Redundancy editor"));
        System.out.printf("StudioProductTest: the native launcher opened the file in the editor %d ms after it was started%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        // The launcher stays the JVM's parent (it waits for it, to restart it or show its exit message):
        // the workbench runs under it with the ini's arguments, not a JVM started some other way.
        assertTrue("the workbench JVM runs under the native launcher with the ini's -Dosgi.requiredJavaVersion=17",
                studio.descendants().anyMatch(p -> p.info().arguments().map(List::of)
                        .filter(args -> args.contains("-Dosgi.requiredJavaVersion=17") && args.contains("-Dduplex.studio.open=" + file))
                        .isPresent()));
        assertTrue("the file's folder is a project of the workspace",
                Files.isDirectory(workspace.resolve(".metadata/.plugins/org.eclipse.core.resources/.projects/plant")));
        assertTrue(studio.isAlive());
        String log = workspaceLog(workspace);
        assertFalse(log, log.contains("!ENTRY scada.redundancy"));
    }

    private static String workspaceLog(Path workspace) {
        Path log = workspace.resolve(".metadata/.log");
        try {
            return Files.exists(log) ? "\nworkspace log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "\n(cannot read " + log + ": " + e + ")";
        }
    }
}
