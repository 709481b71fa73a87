package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;

/**
 * Reading takes a plain file of at most {@link ConfigurationFile#MAX_FILE_BYTES} and refuses
 * anything else at once: a device that never ends, a named pipe that blocks its reader, a stream
 * that grows past the limit. Before, {@code /dev/zero} filled the memory and a FIFO hung for ever.
 */
public class PlainFilesOnlyTest {
    /** Only a guard: every test here ends in milliseconds, but a regression would hang for ever. */
    @Rule
    public Timeout hangGuard = new Timeout(30, TimeUnit.SECONDS);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static ConfigurationReadException refused(Path file) {
        try {
            ConfigurationFile.read(file);
            fail("read a configuration from " + file);
            return null;
        } catch (ConfigurationReadException e) {
            assertEquals(file.toString(), e.source());
            assertTrue("the message names the file: " + e.getMessage(), e.getMessage().startsWith(file + ": "));
            return e;
        }
    }

    private static void refusedAsNotRegular(Path file, String kind) {
        ConfigurationReadException e = refused(file);
        assertEquals(file + ": not a regular file (" + kind + "); a configuration must be a plain file",
                e.getMessage());
        assertEquals(0, e.line());
    }

    private static void assumeExists(Path device) {
        Assume.assumeTrue(device + " exists on this system", Files.exists(device));
    }

    @Test
    public void devZeroIsRefusedAsADevice() {
        assumeExists(Path.of("/dev/zero"));
        refusedAsNotRegular(Path.of("/dev/zero"), "a device");
    }

    @Test
    public void devUrandomIsRefusedAsADevice() {
        assumeExists(Path.of("/dev/urandom"));
        refusedAsNotRegular(Path.of("/dev/urandom"), "a device");
    }

    @Test
    public void aNamedPipeIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = temp.getRoot().toPath().resolve("redundancy.scadaredundancy");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assume.assumeNoException("no mkfifo on this system", e);
            return;
        }
        assertTrue("mkfifo ends", mkfifo.waitFor(10, TimeUnit.SECONDS));
        assertEquals("mkfifo: " + new String(mkfifo.getInputStream().readAllBytes()), 0, mkfifo.exitValue());
        // No one ever writes to it: opening it for reading would block until the hang guard.
        refusedAsNotRegular(fifo, "a named pipe");
    }

    @Test
    public void aDirectoryIsRefusedAsADirectory() throws Exception {
        refusedAsNotRegular(temp.newFolder("redundancy.scadaredundancy").toPath(), "a directory");
    }

    @Test
    public void aLinkToADeviceIsRefusedLikeTheDevice() throws Exception {
        assumeExists(Path.of("/dev/zero"));
        Path link = temp.getRoot().toPath().resolve("redundancy.scadaredundancy");
        Files.createSymbolicLink(link, Path.of("/dev/zero"));
        refusedAsNotRegular(link, "a device");
    }

    @Test
    public void aLinkToAPlainFileIsRead() throws Exception {
        Path file = temp.newFile("real.scadaredundancy").toPath();
        ConfigurationFile.write(Configs.valid(), file);
        Path link = temp.getRoot().toPath().resolve("redundancy.scadaredundancy");
        Files.createSymbolicLink(link, file);
        assertEquals(Configs.valid(), ConfigurationFile.read(link));
    }

    @Test
    public void aBrokenLinkIsRefusedAsMissing() throws Exception {
        Path link = temp.getRoot().toPath().resolve("redundancy.scadaredundancy");
        Files.createSymbolicLink(link, temp.getRoot().toPath().resolve("gone"));
        assertTrue(refused(link).reason().contains("no such file"));
    }

    @Test
    public void aFileOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        Path file = temp.newFile("redundancy.scadaredundancy").toPath();
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(ConfigurationFile.MAX_FILE_BYTES + 1L); // sparse: costs no disk
        }
        assertEquals(file + ": the file has " + (ConfigurationFile.MAX_FILE_BYTES + 1L)
                + " bytes; a redundancy configuration is at most " + ConfigurationFile.MAX_FILE_BYTES + " bytes",
                refused(file).getMessage());
    }

    @Test
    public void aStreamIsReadOnlyUpToTheLimitWhateverItsLength() throws Exception {
        // like a file that grows after its size was checked: endless, so only a bounded read ends
        CountingEndlessStream endless = new CountingEndlessStream();
        try {
            ConfigurationFile.parse(endless, "growing.scadaredundancy");
            fail("read a configuration from an endless stream");
        } catch (ConfigurationReadException e) {
            assertEquals("growing.scadaredundancy: the file has more than " + ConfigurationFile.MAX_FILE_BYTES
                    + " bytes; a redundancy configuration is at most " + ConfigurationFile.MAX_FILE_BYTES + " bytes",
                    e.getMessage());
        }
        assertEquals("bytes taken from the stream", ConfigurationFile.MAX_FILE_BYTES + 1L, endless.taken);
    }

    @Test
    public void aStreamWithinTheLimitIsParsed() throws Exception {
        byte[] bytes = ConfigurationFile.toBytes(Configs.valid());
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            assertEquals(Configs.valid(), ConfigurationFile.parse(in, "ok").configuration());
        }
    }

    /** Spaces for ever (valid JSON whitespace, so only the limit can stop the reader). */
    private static final class CountingEndlessStream extends InputStream {
        long taken;

        @Override
        public int read() {
            taken++;
            return ' ';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) ' ');
            taken += len;
            return len;
        }
    }
}
