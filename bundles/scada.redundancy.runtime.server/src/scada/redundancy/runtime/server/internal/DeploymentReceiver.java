package scada.redundancy.runtime.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.LoadedConfiguration;
import scada.redundancy.model.ValidationReport;
import scada.redundancy.project.ProjectException;
import scada.redundancy.project.ProjectReader;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.deploy.ProjectFiles;
import scada.redundancy.runtime.link.Fingerprints;
import scada.redundancy.runtime.link.LinkProtocol;
import scada.redundancy.runtime.link.LinkProtocol.DeployAnswer;
import scada.redundancy.runtime.link.LinkProtocol.Deployment;
import scada.redundancy.runtime.tls.DurableFiles;

/**
 * Applies a deployment pushed by an operator (deploy by export): this server's view of the set
 * and the SCADA project. All or nothing:
 * <ol>
 * <li>validate everything first: the configuration reads, breaks no rule as this server sees it
 * (its own address known), and is this server's view (its This SCADA is this server's Symbol);
 * the project's paths stay inside its folder, its files match the fingerprint sent, and it
 * reads as a project;</li>
 * <li>write: the project to a staging folder beside the project folder, the configuration to a
 * temporary file, each renamed into place in one step;</li>
 * <li>switch: the configuration is applied through the same path as an edited file (the
 * component's reload: {@link Reconfiguration}), so Period, Timeout and Retry Count change on the
 * running links without a restart and without a role change.</li>
 * </ol>
 * A deployment refused at any step leaves the files as they were and the old configuration in
 * force with its role; the reason names the file, line and field. A changed project is put in
 * its folder at once but read by the plant (and fingerprinted for the handshake) at the server's
 * next start: the answer says so.
 * <p>
 * Deployments run one at a time on their own thread, never on the redundancy loop (they read and
 * write files); one more waits, any further is refused at once.
 */
final class DeploymentReceiver implements AutoCloseable {
    private final RedundancyNode node;
    private final Path configFile;
    private final Path projectDir;
    /** The component's reload of the configuration file: null once applied, else why not. */
    private final Function<Path, String> reload;
    private final ExecutorService worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(1), r -> {
                Thread t = new Thread(r, "duplex-deploy");
                t.setDaemon(true);
                return t;
            });

    /**
     * @param projectDir the server's project folder, or null when it runs without one
     */
    DeploymentReceiver(RedundancyNode node, Path configFile, Path projectDir, Function<Path, String> reload) {
        this.node = node;
        this.configFile = configFile;
        this.projectDir = projectDir;
        this.reload = reload;
    }

    /**
     * Applies a deployment, or with {@code checkOnly} checks it as applying would and changes
     * nothing; fails with the reason when it is refused (nothing changed then).
     */
    CompletableFuture<DeployAnswer> apply(Deployment deployment, boolean checkOnly) {
        if (deployment == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a deploy request without a deployment"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return checkOnly ? checkNow(deployment) : applyNow(deployment);
                } catch (Refused e) {
                    node.log((checkOnly ? "deployment checked and would be refused: " : "deployment refused: ")
                            + e.getMessage());
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, worker);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "another deployment is being applied and one more waits: try again when they are done"));
        }
    }

    /** A deployment refused whole, with the reason. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    /** Steps 1 and 2 of {@link #applyNow}: the configuration validated, the project staged, read and removed again. */
    private DeployAnswer checkNow(Deployment d) throws Refused {
        validate(d);
        Path staged = stageProject(d);
        String projectNote;
        if (staged == null) {
            projectNote = projectNoteWithoutInstall(d);
        } else {
            deleteQuietly(staged);
            projectNote = "project " + shortFingerprint(d.projectFingerprint()) + " would be installed";
        }
        String mine = node.configuration().thisScada().symbol();
        return new DeployAnswer(mine, "configuration valid on " + mine + ": it would be applied without a restart",
                projectNote);
    }

    /** Step 1: the configuration readable, no rule broken as this server sees it, and its own view; its bytes. */
    private byte[] validate(Deployment d) throws Refused {
        String source = d.symbol() + "'s " + ConfigurationFile.DEFAULT_FILE_NAME + " (deployment)";
        byte[] bytes = d.configuration() == null ? new byte[0] : d.configuration().getBytes(StandardCharsets.UTF_8);
        LoadedConfiguration loaded;
        try {
            loaded = ConfigurationFile.parse(bytes, source);
        } catch (ConfigurationReadException e) {
            throw new Refused("the configuration cannot be read: " + e.getMessage());
        }
        ValidationReport report = node.validate(loaded.configuration());
        if (report.hasErrors()) {
            throw new Refused("the configuration has errors: " + report.errors().stream()
                    .map(p -> loaded.describe(source, p)).collect(Collectors.joining("; ")));
        }
        String mine = node.configuration().thisScada().symbol();
        String theirs = loaded.configuration().thisScada().symbol();
        if (!key(mine).equals(key(theirs))) {
            throw new Refused("this deployment is " + LinkProtocol.peerName(theirs) + "'s view (" + source
                    + ": thisScada.symbol is \"" + LinkProtocol.peerName(theirs) + "\"), and this server is " + mine
                    + ": push each server its own view");
        }
        return bytes;
    }

    private DeployAnswer applyNow(Deployment d) throws Refused {
        // 1. validate the configuration
        byte[] bytes = validate(d);
        String mine = node.configuration().thisScada().symbol();
        // 2. validate and stage the project
        Path staged = stageProject(d);
        RedundancyStatus before = node.status();
        byte[] previous;
        Path aside = null;
        boolean installed = false;
        try {
            previous = Files.exists(configFile) ? Files.readAllBytes(configFile) : null;
            if (staged != null) {
                aside = swapProject(staged);
                installed = true;
                staged = null;
            }
            // 3. write the configuration and switch through the reload path
            DurableFiles.replace(configFile, bytes);
        } catch (IOException e) {
            if (installed) {
                unswapProject(aside);
            }
            throw new Refused("cannot write the deployment on " + mine + ": " + e.getMessage()
                    + " (the configuration in force is unchanged)");
        } finally {
            if (staged != null) {
                deleteQuietly(staged);
            }
        }
        String why = reload.apply(configFile);
        if (why != null) {
            restore(previous);
            if (installed) {
                unswapProject(aside);
            }
            throw new Refused("the configuration could not be put in force: " + why
                    + " (the previous configuration file is back and stays in force)");
        }
        if (aside != null) {
            deleteQuietly(aside);
        }
        String projectNote = installed ? "project " + shortFingerprint(d.projectFingerprint())
                + " installed; the plant reads it at the server's next start" : projectNoteWithoutInstall(d);
        RedundancyStatus after = node.status();
        String roleNote = before.role() == after.role() && before.term() == after.term()
                ? "role " + after.role().jsonName() + " and term " + after.term() + " unchanged"
                : "role " + before.role().jsonName() + " -> " + after.role().jsonName() + ", term " + before.term()
                        + " -> " + after.term();
        node.log("deployment applied (" + roleNote + "); " + projectNote);
        return new DeployAnswer(mine, "configuration applied without a restart (" + roleNote + ")", projectNote);
    }

    /** The project written to a staging folder and checked, or null when there is nothing to install. */
    private Path stageProject(Deployment d) throws Refused {
        Map<String, String> files = d.project() == null ? Map.of() : d.project();
        if (files.isEmpty()) {
            return null;
        }
        SortedMap<String, byte[]> decoded = new TreeMap<>();
        long total = 0;
        for (var e : files.entrySet()) {
            String bad = ProjectFiles.badPath(e.getKey());
            if (bad != null) {
                throw new Refused("the project's file " + bad);
            }
            try {
                byte[] content = Base64.getDecoder().decode(e.getValue() == null ? "" : e.getValue());
                total += content.length;
                decoded.put(e.getKey(), content);
            } catch (IllegalArgumentException ex) {
                throw new Refused("the project's file " + e.getKey() + " is not Base64: " + ex.getMessage());
            }
        }
        if (total > ProjectFiles.MAX_PROJECT_BYTES) {
            throw new Refused("the project has " + total + " bytes; a deployment carries at most "
                    + ProjectFiles.MAX_PROJECT_BYTES + " (copy a larger project by other means)");
        }
        if (projectDir == null) {
            return null; // said in the answer: this server runs without a project
        }
        if (d.projectFingerprint() != null && d.projectFingerprint().equals(Fingerprints.ofProject(existing(projectDir)))) {
            return null; // the same project: nothing to install
        }
        Path staged = sibling(projectDir, "deploy");
        try {
            ProjectFiles.write(decoded, staged);
            String fingerprint = Fingerprints.ofProject(staged);
            if (!fingerprint.equals(d.projectFingerprint())) {
                throw new Refused("the project's files do not match the fingerprint sent (" + shortFingerprint(fingerprint)
                        + " here, " + shortFingerprint(d.projectFingerprint()) + " sent): export it again");
            }
            ProjectReader.read(staged);
            return staged;
        } catch (ProjectException e) {
            deleteQuietly(staged);
            throw new Refused(e.getMessage().replace(staged.toString(), "the deployed project"));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(staged);
            throw new Refused("cannot stage the project: " + e.getMessage());
        } catch (Refused e) {
            deleteQuietly(staged);
            throw e;
        }
    }

    private String projectNoteWithoutInstall(Deployment d) {
        if (d.project() == null || d.project().isEmpty()) {
            return "no project in the deployment";
        }
        if (projectDir == null) {
            return "project not installed: this server runs without a project folder (start it with --project DIR)";
        }
        return "project " + shortFingerprint(d.projectFingerprint()) + " unchanged";
    }

    /**
     * Puts the staged project in the project folder's place: the old folder is renamed aside, the
     * staged one renamed in (each one step), and the old one is returned for deletion. If the
     * second rename fails the old folder is put back.
     */
    private Path swapProject(Path staged) throws IOException {
        Path aside = null;
        if (Files.exists(projectDir)) {
            aside = sibling(projectDir, "previous");
            move(projectDir, aside);
        }
        try {
            move(staged, projectDir);
        } catch (IOException e) {
            if (aside != null) {
                move(aside, projectDir);
            }
            throw e;
        }
        DurableFiles.syncDirectory(projectDir.toAbsolutePath().getParent());
        return aside;
    }

    /** Puts the previous project folder back after a deployment that could not be completed. */
    private void unswapProject(Path aside) {
        try {
            Path failed = sibling(projectDir, "refused");
            move(projectDir, failed);
            if (aside != null) {
                move(aside, projectDir);
            }
            deleteQuietly(failed);
        } catch (IOException e) {
            node.log("cannot put the previous project back after a failed deployment: " + e.getMessage()
                    + (aside == null ? "" : " (it is in " + aside + ")"));
        }
    }

    private void restore(byte[] previous) {
        try {
            if (previous != null) {
                DurableFiles.replace(configFile, previous);
            }
        } catch (IOException e) {
            node.log("cannot put the previous configuration file back after a failed deployment: " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static Path existing(Path dir) {
        return Files.isDirectory(dir) ? dir : null;
    }

    private static Path sibling(Path dir, String why) {
        return ProjectFiles.aside(dir, why, Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
    }

    private static String shortFingerprint(String fingerprint) {
        return fingerprint == null || fingerprint.length() < 12 ? String.valueOf(fingerprint) : fingerprint.substring(0, 12);
    }

    private static String key(String symbol) {
        return symbol.strip().toLowerCase(Locale.ROOT);
    }

    private void deleteQuietly(Path dir) {
        try {
            ProjectFiles.deleteTree(dir);
        } catch (IOException e) {
            node.log("cannot remove " + dir + ": " + e.getMessage());
        }
    }


    @Override
    public void close() {
        worker.shutdownNow();
    }
}
