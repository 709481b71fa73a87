package scada.redundancy.project;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fingerprint of a project directory: SHA-256 over every regular file's relative path
 * ('/'-separated) and content, in path order, each followed by a zero byte. A changed, added or
 * removed tag file, screen or script changes it.
 * <p>
 * This is the very computation of the runtime's handshake ({@code Fingerprints.ofProject} in
 * scada.redundancy.runtime.link, which partners compare for Verify); a test holds the two equal.
 * It lives here too so that tools that know projects (the editor, the check command) need not
 * depend on the redundancy link.
 */
public final class ProjectFingerprint {
    private ProjectFingerprint() {
    }

    public static String of(Path projectDir) {
        try (Stream<Path> walk = Files.walk(projectDir)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                digest.update(projectDir.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                try (InputStream in = Files.newInputStream(f)) {
                    digest.update(in.readAllBytes());
                }
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(projectDir + ": cannot read the project", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
