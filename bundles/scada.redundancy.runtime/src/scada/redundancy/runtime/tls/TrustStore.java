package scada.redundancy.runtime.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The certificates an operator approved on this server: {@code trusted-fingerprints.txt} in the
 * data directory, one SHA-256 fingerprint per line ({@code #} starts a comment). Re-read when
 * the file changes, so an approval takes effect without a restart.
 */
public final class TrustStore {
    public static final String FILE = "trusted-fingerprints.txt";
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    private final Path file;
    private FileTime readAt;
    private Set<String> fingerprints = Set.of();

    public TrustStore(Path dataDir) {
        this.file = dataDir.resolve(FILE);
    }

    /** The approved fingerprints, re-read if the file changed since the last call. */
    public synchronized Set<String> approved() {
        try {
            FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            if (modified == null) {
                fingerprints = Set.of();
            } else if (!modified.equals(readAt)) {
                Set<String> read = new LinkedHashSet<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String f = normalize(line.replaceFirst("#.*", ""));
                    if (FINGERPRINT.matcher(f).matches()) {
                        read.add(f);
                    }
                }
                fingerprints = Set.copyOf(read);
                readAt = modified;
            }
        } catch (IOException e) {
            // keep what was read last: an unreadable file must not drop a working link
        }
        return fingerprints;
    }

    /** Approves a fingerprint (idempotent). */
    public synchronized void approve(String fingerprint, String comment) throws IOException {
        String f = normalize(fingerprint);
        if (!FINGERPRINT.matcher(f).matches()) {
            throw new IllegalArgumentException("\"" + fingerprint + "\" is not a SHA-256 fingerprint (64 hex digits)");
        }
        if (approved().contains(f)) {
            return;
        }
        // Forced to the device: an approval the operator saw succeed must survive a power loss.
        DurableFiles.append(file, (f + (comment == null || comment.isBlank() ? "" : "  # " + comment.replaceAll("[\\r\\n]+", " ")) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        readAt = null;
    }

    public static String normalize(String fingerprint) {
        return fingerprint.replace(":", "").strip().toLowerCase(Locale.ROOT);
    }
}
