package scada.redundancy.runtime.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;

import scada.redundancy.model.IpAddresses;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;

/** The fingerprints the handshake exchanges, so that a mismatch is seen before a failover needs it. */
public final class Fingerprints {
    private Fingerprints() {
    }

    /**
     * The fingerprint of the redundancy set as this server sees it: its members (Symbol, address,
     * port, this server included at its bind address) and the timings of its activated partner
     * rows. Two servers that agree on the set compute the same value from their own files.
     */
    public static String ofSet(RedundancyConfiguration config, String bindAddress) {
        TreeSet<String> lines = new TreeSet<>();
        lines.add("member|" + config.thisScada().symbol().strip().toLowerCase(Locale.ROOT) + "|" + normalize(bindAddress)
                + "|" + config.thisScada().port());
        for (Partner p : config.activePartners()) {
            lines.add("member|" + p.symbol().strip().toLowerCase(Locale.ROOT) + "|" + normalize(p.ipAddress()) + "|"
                    + p.port());
            lines.add("timing|" + p.periodMs() + "|" + p.timeoutMs() + "|" + p.retryCount());
        }
        return sha256(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The fingerprint of a SCADA project directory: every file's relative path and content, in
     * path order, so that a missing tag, screen or script changes it. Empty without a project.
     */
    public static String ofProject(Path projectDir) {
        if (projectDir == null) {
            return "";
        }
        try (Stream<Path> walk = Files.walk(projectDir)) {
            List<Path> files = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
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

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String normalize(String address) {
        return IpAddresses.parse(address).map(a -> a.getHostAddress()).orElse(address.strip());
    }
}
