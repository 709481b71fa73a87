package scada.redundancy.project;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;

import scada.redundancy.runtime.link.Fingerprints;

/** The project fingerprint: every file counts, and it is the value the runtime's handshake compares. */
public class ProjectFingerprintTest {

    @Test
    public void aChangedScreenChangesTheFingerprint() throws Exception {
        Path dir = ProjectFiles.copyOfSample();
        String before = ProjectFingerprint.of(dir);
        assertEquals("an identical copy has the same fingerprint", ProjectFingerprint.of(ProjectFiles.sample()), before);
        Path screen = dir.resolve("screens/overview.json");
        Files.writeString(screen, Files.readString(screen).replace("\"x\": 40, \"y\": 40", "\"x\": 41, \"y\": 40"));
        String after = ProjectFingerprint.of(dir);
        assertNotEquals(before, after);
        assertEquals("reading the project still works: screens are not parsed", after, ProjectReader.read(dir).fingerprint());
    }

    @Test
    public void anAddedScriptOrARenamedFileChangesIt() throws Exception {
        Path dir = ProjectFiles.copyOfSample();
        String before = ProjectFingerprint.of(dir);
        ProjectFiles.write(dir, "scripts/extra.js", "// nothing\n");
        String added = ProjectFingerprint.of(dir);
        assertNotEquals(before, added);
        Files.move(dir.resolve("scripts/extra.js"), dir.resolve("scripts/other.js"));
        assertNotEquals("same content under another name", added, ProjectFingerprint.of(dir));
    }

    @Test
    public void itIsTheValueTheRuntimeHandshakeCompares() throws Exception {
        Path dir = ProjectFiles.copyOfSample();
        assertEquals(Fingerprints.ofProject(dir), ProjectFingerprint.of(dir));
        ProjectFiles.write(dir, "screens/sub/detail.json", "{}");
        assertEquals(Fingerprints.ofProject(dir), ProjectFingerprint.of(dir));
    }
}
