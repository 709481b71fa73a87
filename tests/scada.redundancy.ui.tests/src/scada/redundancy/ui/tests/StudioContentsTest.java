package scada.redundancy.ui.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * A studio installs the client side only: the editor, the model and the runtime's API and
 * monitoring client, never the server (whose component would start a redundancy node in the
 * engineer's workbench). Checked in the studio product this build made, and in this workbench.
 */
public class StudioContentsTest {
    private static final String SERVER_BUNDLE = "scada.redundancy.runtime.server";

    @Test
    public void theStudioProductHasTheClientSideAndNoServer() throws IOException {
        Path plugins = studioProduct().resolve("plugins");
        List<String> ours;
        try (Stream<Path> files = Files.list(plugins)) {
            ours = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("scada.redundancy."))
                    .map(n -> n.substring(0, n.indexOf('_'))).sorted().collect(Collectors.toList());
        }
        assertEquals("the studio's own bundles in " + plugins,
                List.of("scada.redundancy.model", "scada.redundancy.runtime", "scada.redundancy.studio.branding",
                        "scada.redundancy.ui"), ours);
    }

    @Test
    public void thisWorkbenchRunsNoRedundancyServer() {
        Bundle ui = FrameworkUtil.getBundle(StudioContentsTest.class);
        assertNotNull(ui);
        for (Bundle b : ui.getBundleContext().getBundles()) {
            assertTrue("a server bundle in the studio: " + b, !SERVER_BUNDLE.equals(b.getSymbolicName()));
        }
    }

    /** The studio product beside the working directory, as the build leaves it. */
    private static Path studioProduct() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(
                    "releng/scada.redundancy.studio/target/products/scada.redundancy.studio/linux/gtk/x86_64");
            if (Files.isDirectory(candidate.resolve("plugins"))) {
                return candidate;
            }
        }
        throw new AssertionError("no studio product under releng/scada.redundancy.studio/target: build it with ./mvnw package");
    }
}
