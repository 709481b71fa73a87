package scada.redundancy.runtime.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ServerView;
import scada.redundancy.runtime.link.Fingerprints;
import scada.redundancy.runtime.link.LinkProtocol;

/**
 * What one server of the set receives: its own view of the configuration (see
 * {@link scada.redundancy.model.ServerViews}), the SCADA project (every server runs the same
 * one) and the project's fingerprint, computed as the runtime computes it for the handshake and
 * Verify.
 *
 * @param view               the server's view
 * @param project            the project's files, or empty for a deployment without a project
 * @param projectFingerprint {@link Fingerprints#ofProject} of the project as deployed, or empty
 */
public record Deployment(ServerView view, SortedMap<String, byte[]> project, String projectFingerprint) {

    public Deployment {
        project = Collections.unmodifiableSortedMap(new TreeMap<>(project));
    }

    /**
     * The deployments of every view, all with the same project.
     *
     * @param projectDir the SCADA project folder, or null to deploy the configuration alone
     */
    public static List<Deployment> of(List<ServerView> views, Path projectDir) throws IOException {
        SortedMap<String, byte[]> files = projectDir == null ? new TreeMap<>() : ProjectFiles.read(projectDir);
        String fingerprint = projectDir == null ? "" : ProjectFiles.fingerprint(files);
        List<Deployment> all = new ArrayList<>();
        for (ServerView v : views) {
            all.add(new Deployment(v, files, fingerprint));
        }
        return all;
    }

    public String symbol() {
        return view.symbol();
    }

    /** The configuration file's bytes, as {@link ConfigurationFile#write} writes them. */
    public byte[] configurationBytes() {
        return ConfigurationFile.toBytes(view.configuration());
    }

    /** The SHA-256 of the configuration file's bytes (for the manifest). */
    public String configurationSha256() {
        return Fingerprints.sha256(configurationBytes());
    }

    /** The form it takes on the link. */
    public LinkProtocol.Deployment toWire() {
        Map<String, String> encoded = new LinkedHashMap<>();
        project.forEach((name, bytes) -> encoded.put(name, Base64.getEncoder().encodeToString(bytes)));
        return new LinkProtocol.Deployment(view.symbol(), new String(configurationBytes(), StandardCharsets.UTF_8), encoded,
                projectFingerprint);
    }
}
