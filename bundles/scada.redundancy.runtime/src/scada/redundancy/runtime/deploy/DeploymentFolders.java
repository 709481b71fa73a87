package scada.redundancy.runtime.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Partner;
import scada.redundancy.runtime.link.LinkProtocol;
import scada.redundancy.runtime.tls.DurableFiles;

/**
 * Deployments as folders, one per server, for plants that copy them by their own means:
 * <pre>
 * OUT/manifest.json                       every server: address, port, the files' fingerprints, pinned partners
 * OUT/SCADA-A/redundancy.scadaredundancy  SCADA-A's own view
 * OUT/SCADA-A/project/...                 the SCADA project (when one was given)
 * </pre>
 * A server's folder is replaced whole: a file left from an earlier export cannot slip into it.
 */
public final class DeploymentFolders {
    public static final String MANIFEST = "manifest.json";
    public static final String PROJECT = "project";

    private DeploymentFolders() {
    }

    /** Writes every deployment's folder and the manifest; returns one result per server. */
    public static List<DeployResult> write(Path out, List<Deployment> deployments) throws IOException {
        Files.createDirectories(out);
        List<DeployResult> results = new ArrayList<>();
        ObjectNode manifest = LinkProtocol.json().createObjectNode();
        manifest.put("format", 1);
        ArrayNode servers = manifest.putArray("servers");
        for (Deployment d : deployments) {
            Path folder = out.resolve(d.symbol());
            Path staged = out.resolve("." + d.symbol() + ".tmp");
            ProjectFiles.deleteTree(staged);
            ConfigurationFile.write(d.view().configuration(), staged.resolve(ConfigurationFile.DEFAULT_FILE_NAME));
            if (!d.project().isEmpty()) {
                ProjectFiles.write(d.project(), staged.resolve(PROJECT));
            }
            ProjectFiles.deleteTree(folder);
            Files.move(staged, folder);
            ObjectNode s = servers.addObject();
            s.put("symbol", d.symbol());
            s.put("address", d.view().address());
            s.put("port", d.view().configuration().thisScada().port());
            s.put("configuration", d.symbol() + "/" + ConfigurationFile.DEFAULT_FILE_NAME);
            s.put("configurationSha256", d.configurationSha256());
            s.put("project", d.project().isEmpty() ? "" : d.symbol() + "/" + PROJECT);
            s.put("projectFingerprint", d.projectFingerprint());
            ArrayNode partners = s.putArray("partners");
            for (Partner p : d.view().configuration().partners()) {
                partners.addObject().put("symbol", p.symbol()).put("address", p.ipAddress())
                        .put("certificateSha256", p.normalizedCertificateSha256());
            }
            results.add(new DeployResult(d.symbol(), folder.toString(), DeployResult.Outcome.APPLIED, "written"
                    + (d.project().isEmpty() ? " (no project)" : " with the project (" + d.project().size() + " files)")));
        }
        DurableFiles.replace(out.resolve(MANIFEST),
                LinkProtocol.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        return results;
    }
}
