package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;

/** A configuration survives saving and loading, in memory and on disk. */
public class RoundTripTest {
    private Path dir;

    @Before
    public void createDirectory() throws IOException {
        dir = Files.createTempDirectory("duplex-roundtrip");
    }

    @After
    public void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    public void aConfigurationSurvivesSaveAndLoadAndSavesToTheSameBytes() throws Exception {
        RedundancyConfiguration config = new RedundancyConfiguration(
                new LocalServer("SCADA-A", 8000, true, true, "history", "main server", Failback.AUTOMATIC, 2500),
                List.of(Partner.defaults(1, "SCADA-B", "192.168.1.11", 8000),
                        new Partner(2, "SCADA-C", "fd00::12", 8000, 100, 300, 5, false, "lab \u00fc\"", "")));
        byte[] bytes = ConfigurationFile.toBytes(config);
        RedundancyConfiguration back = ConfigurationFile.parse(bytes, "test").configuration();
        assertEquals(config, back);
        assertArrayEquals(bytes, ConfigurationFile.toBytes(back));
    }

    @Test
    public void extremeValuesSurvive() throws Exception {
        RedundancyConfiguration config = new RedundancyConfiguration(
                new LocalServer("", Integer.MIN_VALUE, false, true, "\u0000", "\uD800 lone surrogate", Failback.MANUAL,
                        Integer.MAX_VALUE),
                List.of(new Partner(0, "\t", "not an address", -1, Integer.MIN_VALUE, Integer.MAX_VALUE, -7, false,
                        "x".repeat(ConfigurationFile.MAX_TEXT_LENGTH), "zz")));
        assertEquals(config, ConfigurationFile.parse(ConfigurationFile.toBytes(config), "test").configuration());
    }

    @Test
    public void writeThenReadGivesTheSameConfiguration() throws Exception {
        Path file = dir.resolve(ConfigurationFile.DEFAULT_FILE_NAME);
        ConfigurationFile.write(MalformedFileTest.sample(), file);
        assertEquals(MalformedFileTest.sample(), ConfigurationFile.read(file));
        assertArrayEquals(ConfigurationFile.toBytes(MalformedFileTest.sample()), Files.readAllBytes(file));
    }

    @Test
    public void writeOverwritesAndLeavesNoTemporaryFileBehind() throws Exception {
        Path file = dir.resolve(ConfigurationFile.DEFAULT_FILE_NAME);
        ConfigurationFile.write(MalformedFileTest.sample(), file);
        ConfigurationFile.write(Configs.valid(), file);
        assertEquals(Configs.valid(), ConfigurationFile.read(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    public void writeCreatesMissingDirectories() throws Exception {
        Path file = dir.resolve("project/settings/" + ConfigurationFile.DEFAULT_FILE_NAME);
        ConfigurationFile.write(Configs.valid(), file);
        assertEquals(Configs.valid(), ConfigurationFile.read(file));
    }

    @Test
    public void overwritingKeepsTheFilesPermissions() throws Exception {
        Assume.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve(ConfigurationFile.DEFAULT_FILE_NAME);
        ConfigurationFile.write(Configs.valid(), file);
        Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rw-rw-r--");
        Files.setPosixFilePermissions(file, shared);
        ConfigurationFile.write(MalformedFileTest.sample(), file);
        assertEquals("a runtime server reading the file as another user must still be able to",
                shared, Files.getPosixFilePermissions(file));
    }

    @Test
    public void aNewFileGetsTheUsualPermissionsNotPrivateOnes() throws Exception {
        Assume.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path file = dir.resolve(ConfigurationFile.DEFAULT_FILE_NAME);
        ConfigurationFile.write(Configs.valid(), file);
        assertEquals("same as any file the user creates", Files.getPosixFilePermissions(plain),
                Files.getPosixFilePermissions(file));
    }

    @Test
    public void readingAMissingFileNamesTheFile() {
        Path missing = dir.resolve("missing.scadaredundancy");
        try {
            ConfigurationFile.read(missing);
            fail("read a missing file");
        } catch (ConfigurationReadException e) {
            assertEquals(missing.toString(), e.source());
            assertTrue(e.getMessage(), e.getMessage().startsWith(missing.toString() + ": "));
            assertTrue(e.getMessage(), e.reason().contains("no such file"));
        }
    }

    @Test
    public void aFileLargerThanMaxFileBytesIsRefusedWithoutReadingIt() throws Exception {
        Path file = dir.resolve(ConfigurationFile.DEFAULT_FILE_NAME);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(ConfigurationFile.MAX_FILE_BYTES + 1L); // sparse: costs no disk
        }
        try {
            ConfigurationFile.read(file);
            fail("read an oversized file");
        } catch (ConfigurationReadException e) {
            assertEquals(file.toString(), e.source());
            assertTrue(e.reason(), e.reason().contains(String.valueOf(ConfigurationFile.MAX_FILE_BYTES + 1L)));
        }
    }

    @Test
    public void aDirectoryIsRefusedAsAConfigurationFile() {
        try {
            ConfigurationFile.read(dir);
            fail("read a directory");
        } catch (ConfigurationReadException e) {
            assertEquals(dir.toString(), e.source());
        }
    }

    @Test
    public void aReadErrorInAFileNamesTheFileAndLine() throws Exception {
        Path file = dir.resolve(ConfigurationFile.DEFAULT_FILE_NAME);
        Files.writeString(file, "{\n  \"format\": 1,\n  \"thisScada\": {\"port\": \"x\"}\n}\n");
        try {
            ConfigurationFile.readWithLocations(file);
            fail("read a malformed file");
        } catch (ConfigurationReadException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(file + ":3:25: thisScada.port: "));
        }
    }
}
