package scada.redundancy.runtime.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that survive a power loss at any moment: either the old content or the new one, never a
 * torn or empty file. A replacement is written to a temporary sibling, forced to the device,
 * renamed over the file in one step, and then the directory is forced too — without that last
 * step the rename itself may be lost, and the server would come back with the old term or no
 * identity at all. Used for the term files, the link identity and the approved fingerprints.
 *
 * <p>Lives in {@code tls} rather than {@code internal} because the identity and the trust file
 * need it and {@code tls} must not depend on {@code internal}.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** Replaces {@code file} with {@code content} atomically and durably (see the class comment). */
    public static void replace(Path file, byte[] content) throws IOException {
        replace(file, content, null);
    }

    /**
     * As {@link #replace(Path, byte[])}; the new file is created with {@code ownerOnly} permissions
     * (on POSIX file systems) before any byte is written, so a secret is never readable by others.
     * One writer per file: the temporary file has a fixed name, so a crash leaves at most one behind.
     */
    public static void replace(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp); // left by a crash: CREATE_NEW below applies the permissions afresh
        try {
            try (FileChannel ch = create(temp, permissions)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static FileChannel create(Path temp, Set<PosixFilePermission> permissions) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (permissions != null) {
            try {
                FileAttribute<?> attribute = PosixFilePermissions.asFileAttribute(permissions);
                return FileChannel.open(temp, options, attribute);
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's protection has to do
            }
        }
        return FileChannel.open(temp, options);
    }

    /** Appends {@code content} and forces it to the device; a file created by this call is made durable in its directory too. */
    public static void append(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        if (created) {
            syncDirectory(dir);
        }
    }

    /**
     * Forces a directory's entries (a rename, a new file) to the device. Tolerates exactly two
     * platform limits: a directory that cannot be opened as a file (Windows), and a file system
     * that does not support syncing a directory (fsync gives EINVAL there, e.g. some FUSE and
     * network file systems). Any other failure — a device error — is reported.
     */
    public static void syncDirectory(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (java.nio.file.AccessDeniedException | UnsupportedOperationException e) {
            if (isWindows()) {
                return; // NTFS makes the rename durable with the file; a directory is no file there
            }
            throw e;
        }
        try (ch) {
            ch.force(true);
        } catch (IOException e) {
            if (!"Invalid argument".equals(e.getMessage())) {
                throw e;
            }
            // EINVAL: this file system cannot sync a directory; nothing more can be done here
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
