package scada.redundancy.model.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Names what a path is when it is not a regular file, so that a refusal can say "a device" or "a named pipe". */
public final class SpecialFiles {
    // The file type bits of st_mode (POSIX <sys/stat.h>).
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private SpecialFiles() {
    }

    /** "a directory", "a device", "a named pipe", ...: what the path (links followed) is. */
    public static String kind(Path file, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return Messages.get("file.kind.directory");
        }
        try {
            // The "unix" view is the JDK's on Linux and macOS; BasicFileAttributes only says "other".
            int type = (Integer) Files.getAttribute(file, "unix:mode") & S_IFMT;
            switch (type) {
            case S_IFCHR:
            case S_IFBLK:
                return Messages.get("file.kind.device");
            case S_IFIFO:
                return Messages.get("file.kind.fifo");
            case S_IFSOCK:
                return Messages.get("file.kind.socket");
            default:
                break;
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | ClassCastException | IOException e) {
            // no "unix" view on this platform: the general word below is still true
        }
        return Messages.get("file.kind.other");
    }
}
