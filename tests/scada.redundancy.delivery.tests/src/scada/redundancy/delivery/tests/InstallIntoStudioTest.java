package scada.redundancy.delivery.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The studio feature installs into an Eclipse that has never seen Duplex, the way a user's
 * engineering studio gets it: a copy of the plain workbench (releng/scada.redundancy.workbench, the
 * Eclipse IDE from our target platform without our plug-ins) runs the p2 director application
 * against the built update site (releng/scada.redundancy.repository), then starts under the virtual
 * display with a workspace holding the sample SCADA project and opens its configuration in the
 * Redundancy editor. The workbench's own line "duplex studio: opened ... in the Redundancy editor"
 * (scada.redundancy.ui's OpenOnStartup, the mechanism of ./scada-redundancy studio FILE) is the
 * proof; the screenshot (target/install-into-studio.png) is for people.
 */
public class InstallIntoStudioTest {
    private static final String FEATURE_GROUP = "scada.redundancy.studio.feature.feature.group";
    /** The profile Tycho gives a materialized product. */
    private static final String PROFILE = "DefaultProfile";
    private static final long DIRECTOR_TIMEOUT_S = 120;
    private static final long EDITOR_TIMEOUT_S = 90;
    private static final long SCREENSHOT_SETTLE_S = 20;

    private static Path temp;
    private static Path eclipse;
    private static String directorOutput;

    @BeforeClass
    public static void installStudioFeatureWithTheDirector() throws Exception {
        Path repository = existing("duplex.repository", "the built update site");
        Path workbench = existing("duplex.workbench", "the materialized plain workbench");
        assertTrue("the update site " + repository + " has no content.jar: build releng/scada.redundancy.repository",
                Files.isRegularFile(repository.resolve("content.jar")));
        assertFalse("the plain workbench " + workbench + " already has a Duplex plug-in: it must be an Eclipse without ours",
                hasPlugin(workbench, "scada.redundancy."));

        temp = Files.createTempDirectory("duplex-install-test");
        eclipse = temp.resolve("eclipse");
        copyTree(workbench, eclipse);

        long started = System.nanoTime();
        Path log = temp.resolve("director.log");
        Process director = java(eclipse, log, List.of(),
                "-nosplash", "-consoleLog",
                "-application", "org.eclipse.equinox.p2.director",
                "-repository", repository.toUri().toString(),
                "-installIU", FEATURE_GROUP,
                "-destination", eclipse.toString(),
                "-profile", PROFILE);
        boolean finished = director.waitFor(DIRECTOR_TIMEOUT_S, TimeUnit.SECONDS);
        if (!finished) {
            director.destroyForcibly();
        }
        directorOutput = Files.readString(log);
        assertTrue("the p2 director did not finish within " + DIRECTOR_TIMEOUT_S + " s:\n" + directorOutput, finished);
        assertEquals("the p2 director failed to install " + FEATURE_GROUP + ":\n" + directorOutput, 0, director.exitValue());
        System.out.printf("p2 director: %s installed in %d ms%n", FEATURE_GROUP,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterClass
    public static void deleteCopy() throws IOException {
        if (temp != null) {
            try (Stream<Path> walk = Files.walk(temp)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    public void theFeatureAndItsPluginsAreInstalledAndConfigured() throws IOException {
        assertTrue("no features/scada.redundancy.studio.feature_* after the director ran:\n" + directorOutput,
                hasEntry(eclipse.resolve("features"), "scada.redundancy.studio.feature_"));
        // The editor, what it uses of ours, and a library an Eclipse platform does not ship (the link's Netty).
        for (String plugin : List.of("scada.redundancy.ui_", "scada.redundancy.model_", "scada.redundancy.runtime_",
                "io.netty.handler_")) {
            assertTrue("the director did not install " + plugin + "*.jar into plugins/", hasPlugin(eclipse, plugin));
        }
        assertFalse("the studio feature brought the server (scada.redundancy.runtime.server): it belongs to the runtime feature",
                hasPlugin(eclipse, "scada.redundancy.runtime.server_"));
        // Installed is not enough: the framework must be told to load it (osgi.bundles or bundles.info).
        String configuration = Files.readString(eclipse.resolve("configuration/config.ini"));
        Path bundlesInfo = eclipse.resolve("configuration/org.eclipse.equinox.simpleconfigurator/bundles.info");
        if (Files.isRegularFile(bundlesInfo)) {
            configuration += Files.readString(bundlesInfo);
        }
        assertTrue("the installed workbench's configuration does not list scada.redundancy.ui; it would not load",
                configuration.contains("scada.redundancy.ui_"));
    }

    @Test
    public void theInstalledStudioOpensAConfigurationInTheRedundancyEditor() throws Exception {
        assertNotNull("no display: run the tests under a virtual one (./scada-redundancy test runs xvfb-run)",
                System.getenv("DISPLAY"));
        // A workspace holding a SCADA project (the sample plant) with a Redundancy configuration.
        Path examples = existing("duplex.examples", "the examples folder");
        Path workspace = temp.resolve("workspace");
        Path project = workspace.resolve("plant");
        copyTree(examples.resolve("plant"), project);
        Path configuration = project.resolve("scada-a.scadaredundancy");
        Files.copy(examples.resolve("scada-a.scadaredundancy"), configuration);

        Path log = temp.resolve("studio.log");
        long started = System.nanoTime();
        Process studio = java(eclipse, null, List.of("-Dduplex.studio.open=" + configuration),
                "-nosplash", "-consoleLog", "-data", workspace.toString());
        try {
            String outcome = awaitLine(studio, log, "duplex studio:", EDITOR_TIMEOUT_S);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals("the installed workbench did not open " + configuration + " in the Redundancy editor; its log:\n"
                    + Files.readString(log),
                    "duplex studio: opened " + configuration + " in the Redundancy editor", outcome);
            System.out.printf("installed studio: launch to Redundancy editor open in %d ms%n", elapsedMs);
            takeScreenshot(Path.of(System.getProperty("duplex.screenshot")));
        } finally {
            studio.destroy();
            if (!studio.waitFor(20, TimeUnit.SECONDS)) {
                studio.destroyForcibly();
            }
        }
    }

    /**
     * The first line of the process's output that starts with {@code prefix}; fails on the process's
     * exit or the timeout. Every line is also kept in {@code log} (for the failure messages).
     */
    private static String awaitLine(Process process, Path log, String prefix, long timeoutS) throws Exception {
        BlockingQueue<String> found = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null;) {
                    out.write(line + "\n");
                    out.flush();
                    if (line.startsWith(prefix)) {
                        found.add(line);
                    }
                }
                found.add("(the workbench's output ended before a '" + prefix + "' line)");
            } catch (IOException e) {
                found.add("(reading the workbench's output failed: " + e + ")");
            }
        }, "studio output reader");
        reader.setDaemon(true);
        reader.start();
        String line = found.poll(timeoutS, TimeUnit.SECONDS);
        if (line == null) {
            fail("the installed workbench wrote no '" + prefix + "' line within " + timeoutS + " s; its output:\n"
                    + Files.readString(log));
        }
        return line;
    }

    /**
     * The virtual display's screen with ImageMagick's import, trimmed to the workbench window, once
     * it has settled: the editor is open when the workbench says so, but X draws it a moment later,
     * so screenshots are taken one after the other until two in a row are the same picture.
     */
    private static void takeScreenshot(Path png) throws Exception {
        Files.createDirectories(png.getParent());
        Path candidate = png.resolveSibling(png.getFileName() + ".tmp.png");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCREENSHOT_SETTLE_S);
        int[] previous = null;
        BufferedImage image = null;
        int shots = 0;
        while (System.nanoTime() < deadline) {
            image = importScreen(candidate);
            shots++;
            int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
            if (Arrays.equals(pixels, previous)) {
                Files.move(candidate, png, StandardCopyOption.REPLACE_EXISTING);
                System.out.printf("screenshot %s (%d x %d, settled after %d shots)%n", png, image.getWidth(),
                        image.getHeight(), shots);
                return;
            }
            previous = pixels;
        }
        fail("the screen did not settle within " + SCREENSHOT_SETTLE_S + " s (" + shots + " screenshots)");
    }

    private static BufferedImage importScreen(Path png) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("import", "-window", "root", "-trim", "+repage", png.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot take the screenshot: ImageMagick's 'import' is missing (apt-get install "
                    + "imagemagick; ./scada-redundancy test installs it)", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("import did not finish in 30 s", p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("import failed: " + output, 0, p.exitValue());
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull("the screenshot " + png + " is not a readable PNG", image);
        return image;
    }

    /**
     * java -jar plugins/org.eclipse.equinox.launcher_*.jar ARGS in {@code eclipse}, its output to
     * {@code log}, or to a pipe when {@code log} is null.
     */
    private static Process java(Path eclipse, Path log, List<String> vmArgs, String... args) throws IOException {
        Path launcher;
        try (Stream<Path> plugins = Files.list(eclipse.resolve("plugins"))) {
            launcher = plugins.filter(p -> p.getFileName().toString().startsWith("org.eclipse.equinox.launcher_"))
                    .findFirst().orElseThrow(() -> new AssertionError("no Equinox launcher in " + eclipse + "/plugins"));
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(vmArgs);
        command.add("-jar");
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(eclipse.toFile()).redirectErrorStream(true);
        if (log != null) {
            builder.redirectOutput(log.toFile());
        }
        return builder.start();
    }

    private static Path existing(String property, String what) {
        String value = System.getProperty(property);
        assertNotNull("system property " + property + " (" + what + ") is not set; run through Maven", value);
        Path path = Path.of(value).toAbsolutePath().normalize();
        assertTrue(what + " " + path + " does not exist: build it first (./mvnw -B verify -pl "
                + "tests/scada.redundancy.delivery.tests -am builds it)", Files.isDirectory(path));
        return path;
    }

    private static boolean hasPlugin(Path eclipse, String prefix) throws IOException {
        return hasEntry(eclipse.resolve("plugins"), prefix);
    }

    private static boolean hasEntry(Path folder, String prefix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
