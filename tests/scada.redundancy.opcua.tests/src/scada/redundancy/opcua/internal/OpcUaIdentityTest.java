package scada.redundancy.opcua.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The clients' copy of the server's certificate ({@code server.der}) is always whole and always
 * the certificate in force: written by a rename (a reader never sees it half written), and
 * written again at the next start when it is missing or damaged (a crash right after the key
 * store was stored left it so).
 */
public class OpcUaIdentityTest {
    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void theClientsCopyIsTheCertificateAndIsRewrittenWhenMissingOrDamaged() throws Exception {
        Path dir = temp.newFolder().toPath();
        OpcUaIdentity made = OpcUaIdentity.loadOrCreate(dir, "SCADA-A", "127.0.2.1");
        Path der = dir.resolve(OpcUaIdentity.CERTIFICATE_FILE);
        assertArrayEquals(made.certificate().getEncoded(), Files.readAllBytes(der));
        assertFalse("no temporary file left", Files.exists(dir.resolve(OpcUaIdentity.CERTIFICATE_FILE + ".tmp")));

        Files.write(der, new byte[0]); // as a crash between the key store and the copy would leave it
        OpcUaIdentity loaded = OpcUaIdentity.loadOrCreate(dir, "SCADA-A", "127.0.2.1");
        assertEquals("the same certificate, not a new one", made.certificate(), loaded.certificate());
        assertArrayEquals(made.certificate().getEncoded(), Files.readAllBytes(der));

        Files.delete(der);
        OpcUaIdentity.loadOrCreate(dir, "SCADA-A", "127.0.2.1");
        assertArrayEquals(made.certificate().getEncoded(), Files.readAllBytes(der));

        OpcUaIdentity moved = OpcUaIdentity.loadOrCreate(dir, "SCADA-A", "127.0.2.9"); // a new bind address
        assertFalse(moved.certificate().equals(made.certificate()));
        assertArrayEquals("the copy follows a new certificate", moved.certificate().getEncoded(), Files.readAllBytes(der));
    }
}
