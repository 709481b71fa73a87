package scada.redundancy.runtime.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The approved fingerprints file. */
public class TrustStoreTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void anApprovalIsAppendedAndReadBack() throws Exception {
        Path dir = temp.newFolder().toPath();
        TrustStore trust = new TrustStore(dir);
        trust.approve("AB".repeat(32), "a studio\nab" + "cd".repeat(32));
        trust.approve("ab".repeat(32), "again");
        assertEquals("idempotent; a comment cannot smuggle in a second line", Set.of("ab".repeat(32)), trust.approved());
        assertTrue(Files.readString(dir.resolve(TrustStore.FILE)).endsWith("# a studio ab" + "cd".repeat(32) + "\n"));
    }
}
