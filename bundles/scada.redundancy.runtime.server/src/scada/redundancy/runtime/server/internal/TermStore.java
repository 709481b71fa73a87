package scada.redundancy.runtime.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import scada.redundancy.runtime.tls.DurableFiles;

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

    /**
     * The highest term a server accepts: 2^53, exact as a JSON number in every client, and out of
     * reach of honest elections (one a millisecond would take 285,000 years). A larger value on
     * disk or on the wire is damage or an attack, never history.
     */
    static final long MAX_TERM = 1L << 53;
    /** "9007199254740992\n" is 17 bytes; room for a CRLF and spaces, nothing like a second value. */
    private static final int MAX_FILE_BYTES = 24;

    /** The stored term, 0 if none; a damaged file is an error (better stop than forget a term). */
    long read() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1); // bounded: a device or a huge file is not read whole
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw damaged("it is larger than " + MAX_FILE_BYTES + " bytes, so it holds no single term");
        }
        String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        long term;
        try {
            term = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw damaged("\"" + text.replaceAll("[^ -~]", "?") + "\" is not a term");
        }
        if (term < 0 || term > MAX_TERM) {
            throw damaged(term + " is not a plausible term (0 to " + MAX_TERM + ")");
        }
        return term;
    }

    private IOException damaged(String why) {
        return new IOException(file + ": " + why + "; restore the file or delete it only if every other server of "
                + "the set is running (it then learns the term from them)");
    }

    /** Writes the term durably: the file holds the old or the new term after a power loss, never neither. */
    void write(long term) throws IOException {
        if (term < 0 || term > MAX_TERM) {
            throw new IllegalArgumentException("term " + term + " is out of range (0 to " + MAX_TERM + ")");
        }
        DurableFiles.replace(file, (term + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
