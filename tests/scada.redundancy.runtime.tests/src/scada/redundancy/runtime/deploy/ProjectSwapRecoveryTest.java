package scada.redundancy.runtime.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A deployment cut by a crash between its two renames leaves the project set aside; the next start puts it back. */
public class ProjectSwapRecoveryTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void aProjectSetAsideByAnInterruptedDeploymentIsPutBack() throws Exception {
        Path project = temp.getRoot().toPath().resolve("plant");
        Path aside = ProjectFiles.aside(project, "previous", "k3x9");
        Files.createDirectories(aside.resolve("tags"));
        Files.writeString(aside.resolve("project.json"), "{}");
        String done = ProjectFiles.recoverSwap(project);
        assertTrue(done, done.contains("is back in place"));
        assertEquals("{}", Files.readString(project.resolve("project.json")));
        assertTrue(Files.isDirectory(project.resolve("tags")));
        assertFalse(Files.exists(aside));
        assertNull("nothing more to do", ProjectFiles.recoverSwap(project));
    }

    @Test
    public void aProjectInPlaceIsLeftAloneAndTwoCandidatesAreNotGuessedBetween() throws Exception {
        Path project = temp.getRoot().toPath().resolve("plant");
        Files.createDirectories(project);
        Files.createDirectories(ProjectFiles.aside(project, "previous", "a"));
        assertNull(ProjectFiles.recoverSwap(project));
        Files.delete(project);
        Files.createDirectories(ProjectFiles.aside(project, "previous", "b"));
        String said = ProjectFiles.recoverSwap(project);
        assertTrue(said, said.contains("2 earlier ones") && said.contains("rename the one to run back to plant"));
        assertFalse(Files.exists(project));
        assertNull("no project and nothing set aside", ProjectFiles.recoverSwap(temp.getRoot().toPath().resolve("other")));
    }
}
