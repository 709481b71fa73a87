package scada.redundancy.runtime.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A term on disk. {@code term}: the highest term this server has seen, written (and forced to
 * the device) before the server acts on a new term, so that a server that restarts — or wakes
 * from a freeze — never reuses a term and cannot take the primary role back blindly.
 * {@code served-term}: the last term in which this server was primary, so that after the whole
 * set restarts the server that served last (with the most recent history) is elected again.
 */
final class TermStore {
    static final String FILE = "term";
    static final String SERVED_FILE = "served-term";

    private final Path file;

    TermStore(Path dataDir) {
        this(dataDir, FILE);
    }

    TermStore(Path dataDir, String fileName) {
        this.file = dataDir.resolve(fileName);
    }

    /** The stored term, 0 if none; a damaged file is an error (better stop than forget a term). */
    long read() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            long term = Long.parseLong(text);
            if (term < 0) {
                throw new NumberFormatException();
            }
            return term;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": \"" + text + "\" is not a term; restore the file or delete it only if "
                    + "every other server of the set is running (it then learns the term from them)");
        }
    }

    void write(long term) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((term + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
