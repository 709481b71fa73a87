package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The term on disk: written durably, read back exactly, and damage refused rather than guessed around. */
public class TermStoreTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void aWrittenTermReadsBackAndLeavesNoTemporaryFile() throws Exception {
        Path dir = temp.newFolder().toPath().resolve("data"); // created on the first write
        TermStore store = new TermStore(dir);
        assertEquals("no file: term 0", 0, store.read());
        store.write(7);
        assertEquals(7, store.read());
        store.write(TermStore.MAX_TERM);
        assertEquals(TermStore.MAX_TERM, store.read());
        assertEquals(TermStore.MAX_TERM + "\n", Files.readString(dir.resolve(TermStore.FILE)));
        try (var files = Files.list(dir)) {
            assertEquals("only the term file", 1, files.count());
        }
        TermStore served = new TermStore(dir, TermStore.SERVED_FILE);
        served.write(3);
        assertEquals(3, served.read());
        assertEquals(TermStore.MAX_TERM, store.read());
    }

    @Test
    public void aNegativeOrOverflowingTermIsNeverWritten() throws Exception {
        TermStore store = new TermStore(temp.newFolder().toPath());
        store.write(5);
        assertThrows(IllegalArgumentException.class, () -> store.write(-1));
        assertThrows(IllegalArgumentException.class, () -> store.write(TermStore.MAX_TERM + 1));
        assertThrows(IllegalArgumentException.class, () -> store.write(Long.MAX_VALUE));
        assertEquals("the refused writes left the term alone", 5, store.read());
    }

    @Test
    public void garbageAHugeValueOrAHugeFileIsRefusedWithAPlainMessage() throws Exception {
        Path dir = temp.newFolder().toPath();
        Path file = dir.resolve(TermStore.FILE);
        TermStore store = new TermStore(dir);
        for (String content : new String[] { "seven\n", "", "-3\n", "9223372036854775807\n", (TermStore.MAX_TERM + 1) + "\n",
                "99999999999999999999\n", "1\n2\n", "12" + " ".repeat(100) }) {
            Files.writeString(file, content, StandardCharsets.US_ASCII);
            IOException e = assertThrows(IOException.class, store::read);
            assertTrue(content + ": " + e.getMessage(), e.getMessage().startsWith(file + ": "));
            assertTrue(e.getMessage(), e.getMessage().contains("restore the file or delete it"));
            assertTrue("one plain line: " + e.getMessage(), !e.getMessage().contains("\n") && e.getMessage().length() < 300);
        }
        Files.write(file, new byte[10_000_000]);
        IOException e = assertThrows(IOException.class, store::read);
        assertTrue(e.getMessage(), e.getMessage().contains("larger than"));
    }

    /** Tests run as root, whom permissions do not stop: a data directory that is a regular file fails for anyone. */
    @Test
    public void aWriteThatCannotReachTheDiskThrows() throws Exception {
        Path notADirectory = temp.newFile("data").toPath();
        TermStore store = new TermStore(notADirectory);
        assertThrows(IOException.class, () -> store.write(1));
        assertFalse(Files.isDirectory(notADirectory));
        TermStore below = new TermStore(notADirectory.resolve("deeper"));
        assertThrows(IOException.class, () -> below.write(1));
    }
}
