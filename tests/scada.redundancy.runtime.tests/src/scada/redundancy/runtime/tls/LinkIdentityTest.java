package scada.redundancy.runtime.tls;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The link identity on disk: made once, kept, and a damaged one refused with what to do. */
public class LinkIdentityTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void anIdentityIsMadeOnceOwnerOnlyAndLoadedAgain() throws Exception {
        Path dir = temp.newFolder().toPath().resolve("data");
        LinkIdentity made = LinkIdentity.loadOrCreate(dir, "SCADA-A");
        LinkIdentity loaded = LinkIdentity.loadOrCreate(dir, "SCADA-A");
        assertEquals(made.fingerprint(), loaded.fingerprint());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(LinkIdentity.KEYSTORE_FILE))));
        assertEquals(made.pem(), Files.readString(dir.resolve(LinkIdentity.CERTIFICATE_FILE)));
        try (var files = Files.list(dir)) {
            assertEquals("no temporary file left", 2, files.count());
        }
    }

    @Test
    public void aLostCertificateFileIsWrittenAgainFromTheKeyStore() throws Exception {
        Path dir = temp.newFolder().toPath();
        LinkIdentity made = LinkIdentity.loadOrCreate(dir, "SCADA-A");
        Files.writeString(dir.resolve(LinkIdentity.CERTIFICATE_FILE), "torn");
        LinkIdentity.loadOrCreate(dir, "SCADA-A");
        assertEquals(made.pem(), Files.readString(dir.resolve(LinkIdentity.CERTIFICATE_FILE)));
    }

    @Test
    public void aTruncatedOrForeignKeyStoreIsRefusedWithWhatToDoAndNeverReplaced() throws Exception {
        Path dir = temp.newFolder().toPath();
        LinkIdentity.loadOrCreate(dir, "SCADA-A");
        Path store = dir.resolve(LinkIdentity.KEYSTORE_FILE);
        byte[] whole = Files.readAllBytes(store);
        for (byte[] damaged : new byte[][] { Arrays.copyOf(whole, whole.length / 2), Arrays.copyOf(whole, 10), new byte[0],
                "not a key store".getBytes(), new byte[whole.length] }) {
            Files.write(store, damaged);
            IOException e = assertThrows(IOException.class, () -> LinkIdentity.loadOrCreate(dir, "SCADA-A"));
            assertEquals(store + " is damaged (truncated or not a PKCS#12 key store with this server's link key): restore it "
                    + "from a backup, or delete it to make a new identity — partners that pinned the old certificate must "
                    + "then be given the new fingerprint", e.getMessage());
            assertEquals("no parser exception to print as a stack trace", null, e.getCause());
            assertArrayEquals("the damaged file is left for the operator", damaged, Files.readAllBytes(store));
        }
    }
}
