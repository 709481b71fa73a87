package scada.redundancy.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

import scada.redundancy.model.internal.ConfigurationReader;
import scada.redundancy.model.internal.ConfigurationWriter;
import scada.redundancy.model.internal.Messages;
import scada.redundancy.model.internal.SpecialFiles;

/**
 * The redundancy configuration file: one resource of the SCADA project,
 * {@value #DEFAULT_FILE_NAME}, in JSON with a format version (schema:
 * {@code schema/redundancy-1.schema.json} in this bundle).
 * <ul>
 * <li>Saving is stable: the same configuration always gives the same bytes (fixed field order,
 * two-space indent, LF, a final newline), so version control shows meaningful diffs.</li>
 * <li>Reading is all or nothing: a malformed file, a file of a newer format version or a file
 * with a wrongly typed or unknown field throws {@link ConfigurationReadException} naming the
 * line, column and field, and never returns a half-read configuration.</li>
 * <li>Reading checks types and structure; the rules of a good configuration (port ranges,
 * timings, ...) are the {@link ConfigurationValidator}'s, so that an editor can open a file that
 * breaks them and show where.</li>
 * </ul>
 */
public final class ConfigurationFile {
    /** The format version this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_EXTENSION = "scadaredundancy";
    public static final String DEFAULT_FILE_NAME = "redundancy." + FILE_EXTENSION;
    /** A configuration of 10,000 partners is about 3 MB; anything far larger is not a configuration. */
    public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    public static final int MAX_PARTNERS = 10_000;
    /** The longest text a field may hold (Comment, Database, ...). */
    public static final int MAX_TEXT_LENGTH = 4096;

    private ConfigurationFile() {
    }

    /** Reads a configuration file. */
    public static RedundancyConfiguration read(Path file) throws ConfigurationReadException {
        return readWithLocations(file).configuration();
    }

    /**
     * Reads a configuration file, keeping where each field stood.
     * <p>
     * Only a regular file (or a link to one) is read, and never more than {@link #MAX_FILE_BYTES}
     * of it: a device such as {@code /dev/zero} reports a size of 0 and never ends, a named pipe
     * blocks the reader until someone writes to it, and a file can grow after its size was
     * checked. Each is refused at once with a plain message instead of filling the memory or
     * hanging the server, {@code check} or a reload.
     */
    public static LoadedConfiguration readWithLocations(Path file) throws ConfigurationReadException {
        String source = file.toString();
        byte[] bytes;
        try {
            // follows links: a link to a regular file is fine, a link to a device is not
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                // Refused before it is opened: opening a named pipe for reading blocks until a writer comes.
                throw new ConfigurationReadException(source, 0, 0, null,
                        Messages.format("read.notRegular", SpecialFiles.kind(file, attributes)));
            }
            if (attributes.size() > MAX_FILE_BYTES) {
                throw new ConfigurationReadException(source, 0, 0, null,
                        Messages.format("read.tooLarge", attributes.size(), MAX_FILE_BYTES));
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = readAtMostTheLimit(in, source);
            }
        } catch (IOException e) {
            throw new ConfigurationReadException(source, 0, 0, null, Messages.format("read.io", describe(e)));
        }
        return parse(bytes, source);
    }

    /**
     * Reads a configuration from a stream (a workspace file's contents, say), never more than
     * {@link #MAX_FILE_BYTES} of it. The caller closes the stream.
     *
     * @param source the name used in error messages, usually the file's name
     */
    public static LoadedConfiguration parse(InputStream in, String source) throws ConfigurationReadException {
        byte[] bytes;
        try {
            bytes = readAtMostTheLimit(in, source);
        } catch (IOException e) {
            throw new ConfigurationReadException(source, 0, 0, null, Messages.format("read.io", describe(e)));
        }
        return parse(bytes, source);
    }

    /**
     * The stream's bytes, or an exception as soon as there are more than the limit: the size a file
     * reported before it was opened is not trusted, as it may have grown since.
     */
    private static byte[] readAtMostTheLimit(InputStream in, String source)
            throws IOException, ConfigurationReadException {
        // readNBytes grows its buffer as data arrives: a small file costs little
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigurationReadException(source, 0, 0, null,
                    Messages.format("read.tooLarge.stream", MAX_FILE_BYTES));
        }
        return bytes;
    }

    /**
     * Reads a configuration from bytes.
     *
     * @param source the name used in error messages, usually the file's name
     */
    public static LoadedConfiguration parse(byte[] bytes, String source) throws ConfigurationReadException {
        return new ConfigurationReader(source).read(bytes);
    }

    /** The file's bytes for a configuration: UTF-8 JSON, stable. */
    public static byte[] toBytes(RedundancyConfiguration configuration) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 320 * configuration.partners().size());
        try {
            ConfigurationWriter.write(configuration, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes a configuration file atomically: readers see the old file or the new one, never a
     * part of it, even if the machine stops in the middle.
     */
    public static void write(RedundancyConfiguration configuration, Path file) throws IOException {
        byte[] bytes = toBytes(configuration);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: its file is private (rw-------), and the move would give the
        // configuration those permissions. The new file is created like any other, then takes the
        // permissions of the file it replaces.
        Path temp = dir.resolve("." + file.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                // on the disk before the name points at it: else a power loss can leave an empty file
                out.force(true);
            }
            copyPermissions(file, temp);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Gives {@code to} the POSIX permissions of {@code from}, if it exists and the file system has them. */
    private static void copyPermissions(Path from, Path to) {
        try {
            if (Files.exists(from)) {
                Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not POSIX, or not allowed: the new file keeps the permissions of a new file
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(java.util.Locale.ROOT) + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
}
